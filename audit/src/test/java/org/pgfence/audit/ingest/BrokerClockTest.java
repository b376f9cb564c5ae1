package org.pgfence.audit.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgfence.events.AgentHeartbeat;

class BrokerClockTest {
    private static final Instant BROKER = Instant.parse("2026-12-03T01:00:00Z");

    private static AgentHeartbeat beat(Instant started, Instant lastSeen) {
        return new AgentHeartbeat(1, "pgb2", "pgb2/1", List.of("lab"), List.of("appdb-rw"), "0.2.0", started, lastSeen);
    }

    @Test
    void anAgentTenMinutesAheadStartsWhenTheBrokerSaysLessItsOwnUptime() {
        Instant skewed = BROKER.plusSeconds(600);
        AgentHeartbeat h = RecordHandler.onBrokerClock(beat(skewed.minusSeconds(42), skewed), BROKER, 600_000L);
        assertThat(h.startedAt()).isEqualTo(BROKER.minusSeconds(42));
        assertThat(h.lastSeen()).isEqualTo(BROKER);
        AgentHeartbeat behind = RecordHandler.onBrokerClock(beat(BROKER.minusSeconds(642), BROKER.minusSeconds(600)),
                BROKER, -600_000L);
        assertThat(behind.startedAt()).isEqualTo(BROKER.minusSeconds(42));
    }

    @Test
    void theMomentOfARoutingIsOnTheBrokersClockToo() {
        Instant skewed = BROKER.plusSeconds(600);
        org.pgfence.events.ClusterRouting r = new org.pgfence.events.ClusterRouting("lab", null, null, true,
                org.pgfence.events.AckStatus.FENCED_CLOSED, skewed.minusSeconds(3), List.of(), "why");
        AgentHeartbeat h = new AgentHeartbeat(1, "pgb2", "pgb2/1", List.of("lab"), List.of(), "0.2.0",
                skewed.minusSeconds(42), skewed, List.of(r));
        assertThat(RecordHandler.onBrokerClock(h, BROKER, 600_000L).routing().get(0).at())
                .isEqualTo(BROKER.minusSeconds(3));
    }

    @Test
    void withoutAnAppendTimeTheAgentsOwnTimesStayAndANegativeUptimeStartsNow() {
        AgentHeartbeat own = beat(BROKER.minusSeconds(5), BROKER);
        assertThat(RecordHandler.onBrokerClock(own, null, null)).isSameAs(own);
        AgentHeartbeat odd = RecordHandler.onBrokerClock(beat(BROKER.plusSeconds(5), BROKER), BROKER, 0L);
        assertThat(odd.startedAt()).isEqualTo(BROKER);
    }

    private static org.pgfence.events.FencingAck ack(Instant completed) {
        return new org.pgfence.events.FencingAck(1, java.util.UUID.randomUUID(), null, "lab", "pgb2", "pgb2/1",
                org.pgfence.events.AckStatus.APPLIED, new org.pgfence.events.Epoch(2, "744"), List.of(), null,
                new org.pgfence.events.AckTimings(null, completed.minusMillis(30), 5, 5, completed), null);
    }

    @Test
    void anAckCompletedWhenTheHostActedOnTheBrokersClockNeverAfterTheBrokerTookIt() {
        Instant acted = BROKER.minusSeconds(90); // held by the producer through a broker outage
        assertThat(RecordHandler.completedAt(ack(acted), BROKER, 0L)).isEqualTo(acted);
        assertThat(RecordHandler.completedAt(ack(acted.plusSeconds(600)), BROKER, 600_000L))
                .as("an agent 10 min ahead").isEqualTo(acted);
        assertThat(RecordHandler.completedAt(ack(acted.minusSeconds(600)), BROKER, -600_000L))
                .as("an agent 10 min behind").isEqualTo(acted);
        assertThat(RecordHandler.completedAt(ack(BROKER.plusSeconds(600)), BROKER, null))
                .as("ahead, offset not known yet: when the broker took it").isEqualTo(BROKER);
        assertThat(RecordHandler.completedAt(ack(acted), null, null)).as("producer times: its own").isEqualTo(acted);
    }
}
