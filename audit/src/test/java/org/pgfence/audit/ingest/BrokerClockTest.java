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
        AgentHeartbeat h = RecordHandler.onBrokerClock(beat(skewed.minusSeconds(42), skewed), BROKER);
        assertThat(h.startedAt()).isEqualTo(BROKER.minusSeconds(42));
        assertThat(h.lastSeen()).isEqualTo(BROKER);
        AgentHeartbeat behind = RecordHandler.onBrokerClock(beat(BROKER.minusSeconds(642), BROKER.minusSeconds(600)),
                BROKER);
        assertThat(behind.startedAt()).isEqualTo(BROKER.minusSeconds(42));
    }

    @Test
    void withoutAnAppendTimeTheAgentsOwnTimesStayAndANegativeUptimeStartsNow() {
        AgentHeartbeat own = beat(BROKER.minusSeconds(5), BROKER);
        assertThat(RecordHandler.onBrokerClock(own, null)).isSameAs(own);
        AgentHeartbeat odd = RecordHandler.onBrokerClock(beat(BROKER.plusSeconds(5), BROKER), BROKER);
        assertThat(odd.startedAt()).isEqualTo(BROKER);
    }
}
