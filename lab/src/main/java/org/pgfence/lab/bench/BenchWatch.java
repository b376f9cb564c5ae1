package org.pgfence.lab.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.events.kafka.KafkaSettings;

/**
 * The benchmark's view of the promotions and acks topics. Besides the time this JVM saw each promotion (the
 * moment it was observably published: the fencing latency starts there) it keeps the record's Kafka CreateTime,
 * when the producer ({@code pgfence notify}) called send(), to show what a fresh producer JVM adds before that.
 */
final class BenchWatch implements AutoCloseable {
    record Promotion(MasterPromoted event, Instant sent, Instant seen) {
    }

    private final List<Promotion> promotions = new CopyOnWriteArrayList<>();
    private final List<FencingAck> acks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final KafkaConsumer<String, Decoded> consumer;
    private final Thread thread;
    private final Clock clock;

    BenchWatch(KafkaSettings kafka, Clock clock) {
        this.clock = clock;
        Properties p = kafka.consumer("pgfence-bench-watch", "pgfence-bench-watch-" + UUID.randomUUID());
        p.put("fetch.max.wait.ms", "500"); // a fetch returns as soon as a record arrives; this bounds only idle round trips
        consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(kafka.topics().promotions(), kafka.topics().acks()));
        thread = new Thread(this::loop, "bench-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, Decoded> r : consumer.poll(Duration.ofMillis(100))) {
                    record(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void record(ConsumerRecord<String, Decoded> r) {
        if (r.value() == null || r.value().event() == null) {
            return;
        }
        Instant seen = clock.instant();
        if (r.value().event() instanceof MasterPromoted m) {
            Instant sent = r.timestampType() == TimestampType.CREATE_TIME ? Instant.ofEpochMilli(r.timestamp()) : seen;
            promotions.add(new Promotion(m, sent, seen));
        } else if (r.value().event() instanceof FencingAck a) {
            acks.add(a);
        }
    }

    List<Promotion> promotions() {
        return List.copyOf(promotions);
    }

    List<FencingAck> acks() {
        return List.copyOf(acks);
    }

    /** Waits until {@code condition} holds or {@code timeout} passes. */
    boolean await(Duration timeout, BooleanSupplier condition) {
        Instant end = clock.instant().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (clock.instant().isAfter(end)) {
                return false;
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        return true;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
