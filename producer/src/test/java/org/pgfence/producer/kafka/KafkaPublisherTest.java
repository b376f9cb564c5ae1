package org.pgfence.producer.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pgfence.events.kafka.Topics;
import org.pgfence.producer.Events;
import org.pgfence.runtime.Deadline;
import org.pgfence.runtime.Failure;
import org.pgfence.runtime.kafka.KafkaSettings;

/** Against an unreachable broker (127.0.0.1:1); delivery to a real broker is covered by the lab ITs. */
class KafkaPublisherTest {
    final KafkaSettings settings = new KafkaSettings("127.0.0.1:1", new Topics("pgfence"), Map.of());

    @Test
    void unreachableBrokerFailsRetriablyWithinTheSessionDeadline() {
        long start = System.nanoTime();
        PublishException e;
        try (KafkaPublishers publishers = new KafkaPublishers(settings, "test", Duration.ofMillis(800));
             Publisher p = publishers.open(Deadline.after(Clock.systemUTC(), Duration.ofMillis(800)))) {
            e = catchThrowableOfType(PublishException.class, () -> p.publish(Events.promoted(Instant.now(), 2)));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(e).isNotNull();
        assertThat(e.failure()).isEqualTo(Failure.RETRIABLE);
        assertThat(e.getMessage()).contains("127.0.0.1:1").contains("pgfence.promotions");
        assertThat(took).isLessThan(Duration.ofMillis(3000));
    }

    @Test
    void preparingNeverBlocksTheCallerAndClosingIsImmediate() {
        long start = System.nanoTime();
        KafkaPublishers publishers = new KafkaPublishers(settings, "test", Duration.ofSeconds(5));
        publishers.prepare();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
        long closing = System.nanoTime();
        publishers.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(2));
    }
}
