package org.pgfence.lab.drill;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.process.Threads;
import org.pgfence.runtime.kafka.KafkaSettings;

/**
 * Watches every pgfence topic of an installation from the drill's own JVM, recording each event with the
 * time it was seen, so the drill can wait for "the promotion", "every ack" and print a timeline.
 */
public final class EventWatch implements AutoCloseable {
    /**
     * One event: when this JVM saw it ({@code at}), and the record's Kafka CreateTime ({@code sent}, when the
     * producer called send(); {@code at} if the topic keeps LogAppendTime).
     */
    public record Seen(Instant at, Instant sent, String topic, PgfenceEvent event) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Consumer<Seen> sink;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final KafkaConsumer<String, Decoded> consumer;
    private final Thread thread;
    private final Clock clock;

    public EventWatch(KafkaSettings kafka, Clock clock) {
        this(kafka, clock, List.of(kafka.topics().promotions(), kafka.topics().acks(), kafka.topics().agents()), null);
    }

    /**
     * A watch on {@code topics} that hands every event to {@code sink} (on the watch's thread) instead of keeping it:
     * {@link #all()} stays empty. For volumes a list copied on every add does not hold (a fleet's acks).
     */
    public EventWatch(KafkaSettings kafka, Clock clock, List<String> topics, Consumer<Seen> sink) {
        this.clock = clock;
        this.sink = sink == null ? seen::add : sink;
        Properties p = kafka.consumer("pgfence-drill-watch", "pgfence-drill-watch-" + UUID.randomUUID());
        consumer = new KafkaConsumer<>(p);
        consumer.subscribe(topics);
        thread = Threads.start("drill-event-watch", this::loop);
    }

    private void loop() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, Decoded> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() != null && r.value().event() != null) {
                        Instant at = clock.instant();
                        Instant sent = r.timestampType() == TimestampType.CREATE_TIME ? Instant.ofEpochMilli(r.timestamp()) : at;
                        sink.accept(new Seen(at, sent, r.topic(), r.value().event()));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    public List<Seen> all() {
        return List.copyOf(seen);
    }

    public <T extends PgfenceEvent> List<T> events(Class<T> type, Predicate<T> filter) {
        return seen.stream().map(Seen::event).filter(type::isInstance).map(type::cast).filter(filter).toList();
    }

    public <T extends PgfenceEvent> Instant seenAt(T event) {
        return seen.stream().filter(s -> s.event().equals(event)).map(Seen::at).findFirst().orElse(null);
    }

    /** Waits until {@code condition} holds over what has been seen, or {@code timeout} passes. */
    public boolean await(Duration timeout, java.util.function.BooleanSupplier condition) {
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
