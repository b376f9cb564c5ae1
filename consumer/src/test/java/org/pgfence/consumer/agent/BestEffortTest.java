package org.pgfence.consumer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.pgfence.events.AgentHeartbeat;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.EventPublisher;
import org.pgfence.events.kafka.Topics;
import org.pgfence.events.testing.MutableClock;

class BestEffortTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T20:00:00Z"));

    private static AgentHeartbeat beat() {
        return new AgentHeartbeat(AgentHeartbeat.SCHEMA_VERSION, "pgb1", "pgb1/x", List.of("main"), List.of("appdb-rw"),
                "test", Instant.parse("2026-12-02T19:00:00Z"), Instant.parse("2026-12-02T20:00:00Z"));
    }

    @Test
    void afterAFailedPublishTheNextOnesAreSkippedUntilTheBackoffPassesSoAnUnreachableKafkaCostsOneTimeout() throws Exception {
        // a broker that never answers: every send times out after the publisher's bound
        MockProducer<String, PgfenceEvent> kafka = new MockProducer<String, PgfenceEvent>(false, null, new StringSerializer(), (t, e) -> new byte[0]);
        BestEffort bestEffort = new BestEffort(new EventPublisher(kafka, new Topics("t"), Duration.ofMillis(50)), clock,
                Duration.ofSeconds(2));
        assertThat(bestEffort.publish(beat(), "heartbeat")).isFalse();
        assertThat(kafka.history()).hasSize(1);

        long start = System.nanoTime();
        assertThat(bestEffort.publish(beat(), "heartbeat")).as("skipped: nothing sent, nothing waited for").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(50));
        assertThat(kafka.history()).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(bestEffort.publish(beat(), "heartbeat")).isFalse();
        assertThat(kafka.history()).as("tried again once the backoff passed").hasSize(2);
        clock.advance(Duration.ofSeconds(1));
        bestEffort.publish(beat(), "heartbeat");
        assertThat(kafka.history()).as("the backoff doubled to 2 s").hasSize(2);
    }

    @Test
    void aBrokerThatTakesRecordsAgainResetsTheBackoff() throws Exception {
        MockProducer<String, PgfenceEvent> kafka = new MockProducer<String, PgfenceEvent>(true, null, new StringSerializer(), (t, e) -> new byte[0]);
        BestEffort bestEffort = new BestEffort(new EventPublisher(kafka, new Topics("t"), Duration.ofMillis(50)), clock,
                Duration.ofSeconds(2));
        assertThat(bestEffort.publish(beat(), "heartbeat")).isTrue();
        assertThat(bestEffort.publish(beat(), "heartbeat")).isTrue();
        assertThat(kafka.history()).hasSize(2);
    }
}
