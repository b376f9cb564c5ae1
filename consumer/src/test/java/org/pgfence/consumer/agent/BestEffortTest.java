package org.pgfence.consumer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.pgfence.events.AgentHeartbeat;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.Topics;
import org.pgfence.events.testing.MutableClock;
import org.pgfence.runtime.kafka.EventPublisher;

class BestEffortTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T20:00:00Z"));
    /** A broker that answers only when the test says so. */
    private final MockProducer<String, PgfenceEvent> kafka = new MockProducer<String, PgfenceEvent>(false, null,
            new StringSerializer(), (t, e) -> new byte[0]);
    private final BestEffort bestEffort = new BestEffort(new EventPublisher(kafka, new Topics("t"),
            Duration.ofSeconds(10)), clock, Duration.ofSeconds(2));

    /** Publishes and waits (bounded) until the hand-over thread has given the record to the producer. */
    private boolean publish() {
        int before = kafka.history().size();
        boolean handed = bestEffort.publish(beat(), "heartbeat");
        if (handed) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> kafka.history().size() > before && bestEffort.idle());
        }
        return handed;
    }

    private static AgentHeartbeat beat() {
        return new AgentHeartbeat(AgentHeartbeat.SCHEMA_VERSION, "pgb1", "pgb1/x", List.of("main"), List.of("appdb-rw"),
                "test", Instant.parse("2026-12-02T19:00:00Z"), Instant.parse("2026-12-02T20:00:00Z"));
    }

    @Test
    void aSendIsNeverWaitedForSoABrokerThatDoesNotAnswerCostsTheLoopNothing() {
        long start = System.nanoTime();
        assertThat(publish()).isTrue();
        assertThat(publish()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("far below the publisher's 10 s bound")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(kafka.history()).hasSize(2);
    }

    @Test
    void anAckAndAHeartbeatDueInTheSameRoundAreBothSent() {
        assertThat(bestEffort.publish(beat(), "reconcile ack")).isTrue();
        assertThat(bestEffort.publish(beat(), "heartbeat")).as("not skipped behind the first hand-over").isTrue();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 2);
    }

    @Test
    void afterAFailureTheNextOnesAreSkippedUntilTheBackoffPassesAndASuccessResetsIt() {
        publish();
        kafka.errorNext(new TimeoutException("Expiring 1 record(s)"));
        assertThat(publish()).as("skipped for 1 s").isFalse();
        assertThat(kafka.history()).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(publish()).isTrue();
        kafka.errorNext(new TimeoutException("Expiring 1 record(s)"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(publish()).as("the quiet period doubled to 2 s").isFalse();

        clock.advance(Duration.ofSeconds(1));
        assertThat(publish()).isTrue();
        kafka.completeNext();
        kafka.errorNext(new TimeoutException("Expiring 1 record(s)")); // nothing left in flight: no effect
        assertThat(publish()).isTrue();
        kafka.errorNext(new TimeoutException("Expiring 1 record(s)"));
        clock.advance(Duration.ofMillis(1100));
        assertThat(publish()).as("reset by the success: 1 s again, not 4").isTrue();
    }
}
