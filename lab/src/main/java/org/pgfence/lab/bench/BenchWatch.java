package org.pgfence.lab.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.lab.drill.EventWatch;
import org.pgfence.runtime.kafka.KafkaSettings;

/**
 * The benchmark's view of the promotions and acks topics, over the drill's {@link EventWatch}: besides the time
 * this JVM saw each promotion (the moment it was observably published: the fencing latency starts there) it keeps
 * the record's Kafka CreateTime, when the producer ({@code pgfence notify}) called send(), to show what a fresh
 * producer JVM adds before that.
 */
final class BenchWatch implements AutoCloseable {
    record Promotion(MasterPromoted event, Instant sent, Instant seen) {
    }

    private final EventWatch watch;

    BenchWatch(KafkaSettings kafka, Clock clock) {
        this.watch = new EventWatch(kafka, clock);
    }

    List<Promotion> promotions() {
        return watch.all().stream().filter(s -> s.event() instanceof MasterPromoted)
                .map(s -> new Promotion((MasterPromoted) s.event(), s.sent(), s.at())).toList();
    }

    List<FencingAck> acks() {
        return watch.events(FencingAck.class, a -> true);
    }

    /** Waits until {@code condition} holds or {@code timeout} passes. */
    boolean await(Duration timeout, BooleanSupplier condition) {
        return watch.await(timeout, condition);
    }

    @Override
    public void close() {
        watch.close();
    }
}
