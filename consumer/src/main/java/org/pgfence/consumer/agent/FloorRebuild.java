package org.pgfence.consumer.agent;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.state.EpochStore;
import org.pgfence.events.Epoch;
import org.pgfence.events.MaintenanceMode;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.process.Threads;
import org.pgfence.runtime.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises the epoch floor from the promotions topic, read from its start to its current end with a consumer of
 * its own (no group, nothing committed): at start, so a floor lost with the state file, or announced while the
 * agent was down, bounds the first decision; and again, with backoff, while the store is {@link EpochStore#unknown()}.
 * Per cluster, the system identifier of the newest promotion wins, and the floor is the highest timeline
 * announced for it. Never throws: a topic it could not read leaves the store as it was.
 *
 * <p>The same read finds each cluster's latest maintenance-mode record ({@code pgfence pause}/{@code resume}), so an
 * agent started during maintenance (or whose state dir was lost) changes nothing either.
 */
final class FloorRebuild {
    private static final Logger LOG = LoggerFactory.getLogger(FloorRebuild.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private final AgentConfig config;
    private final Supplier<Consumer<String, Decoded>> consumers;
    private final EpochStore epochs;
    private final Predicate<MaintenanceMode> maintenance;
    private final Clock clock;
    private final Duration bound;
    private final Backoff backoff;
    private Instant retryAt;

    /** {@code maintenance} records a cluster's latest pause or resume (the agent's {@link Reconciler#maintenance}). */
    FloorRebuild(AgentConfig config, Supplier<Consumer<String, Decoded>> consumers, EpochStore epochs,
                 Predicate<MaintenanceMode> maintenance, Clock clock) {
        this.config = config;
        this.maintenance = maintenance;
        this.consumers = consumers;
        this.epochs = epochs;
        this.clock = clock;
        this.bound = config.applyTimeout().multipliedBy(2);
        this.backoff = new Backoff(Duration.ofSeconds(1), config.reconcileInterval());
    }

    /** Reads the topic now, on the calling thread; returns whether it was read to its end. */
    boolean run() {
        try {
            return apply(readTopic());
        } catch (KafkaException e) {
            failed(e);
            return false;
        }
    }

    /**
     * Reads the topic on a thread of its own; the future holds the floors read. The caller (the agent loop, which owns
     * the store's changes) applies them with {@link #apply} or reports the failure with {@link #failed}, and keeps
     * reconciling meanwhile: a read held up by a broker that just stopped must not hold up fencing.
     */
    CompletableFuture<TopicState> readAsync() {
        CompletableFuture<TopicState> floors = new CompletableFuture<>();
        Threads.start("pgfence-floor-read", () -> {
            try {
                floors.complete(readTopic());
            } catch (RuntimeException e) {
                floors.completeExceptionally(e);
            }
        });
        return floors;
    }

    /** What the promotions topic says per cluster: the floor, and the latest maintenance-mode record. */
    record TopicState(Map<String, Epoch> floors, Map<String, MaintenanceMode> maintenance) {
    }

    /**
     * Raises the floors read from the topic, records the maintenance states and marks the store rebuilt; false if the
     * store could not be written.
     */
    boolean apply(TopicState read) {
        read.maintenance().values().forEach(maintenance::test);
        Map<String, Epoch> newest = read.floors();
        try {
            for (Map.Entry<String, Epoch> e : newest.entrySet()) {
                if (epochs.raise(e.getKey(), e.getValue())) {
                    LOG.info("epoch floor of {} raised to {} from the promotions topic", e.getKey(), e.getValue());
                }
            }
            epochs.rebuilt();
            backoff.reset();
            retryAt = null;
            return true;
        } catch (IOException e) {
            failed(e);
            return false;
        }
    }

    /** A read that did not reach the topic's end: the store stays as it was; retried with backoff while unknown. */
    void failed(Throwable e) {
        retryAt = clock.instant().plus(backoff.next());
        LOG.warn("promotions topic not read for the epoch floor{}: {}", epochs.unknown()
                .map(u -> " (unknown: " + u + "; rw stays closed until it is read)").orElse(""), e.toString());
    }

    private TopicState readTopic() {
        try (Consumer<String, Decoded> consumer = consumers.get()) {
            return read(consumer);
        }
    }

    /** Whether the persisted floor can be trusted (the state file was read): then a decision need not wait for the topic. */
    boolean floorKnown() {
        return epochs.unknown().isEmpty();
    }

    /** While the floor is unknown, reads the topic again when the backoff allows. */
    void runIfUnknown() {
        if (epochs.unknown().isPresent() && (retryAt == null || !clock.instant().isBefore(retryAt))) {
            run();
        }
    }

    private TopicState read(Consumer<String, Decoded> consumer) {
        String topic = config.kafka().topics().promotions();
        Instant end = clock.instant().plus(bound);
        List<PartitionInfo> infos = consumer.partitionsFor(topic, bound);
        List<TopicPartition> partitions = infos == null ? List.of()
                : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, bound);
        Map<String, Epoch> newest = new HashMap<>();
        Map<String, Epoch> highest = new HashMap<>();
        Map<String, MaintenanceMode> modes = new HashMap<>();
        while (!reached(consumer, ends)) {
            if (clock.instant().isAfter(end)) {
                throw new KafkaException("the promotions topic " + topic + " was not read to its end within "
                        + bound.toMillis() + "ms");
            }
            for (ConsumerRecord<String, Decoded> r : consumer.poll(POLL)) {
                MaintenanceMode mode = r.value() == null ? null : r.value().as(MaintenanceMode.class).orElse(null);
                if (mode != null && config.cluster(mode.cluster()).isPresent()) {
                    modes.merge(mode.cluster(), mode, (a, b) -> b.occurredAt().isBefore(a.occurredAt()) ? a : b);
                }
                MasterPromoted m = r.value() == null ? null : r.value().as(MasterPromoted.class).orElse(null);
                if (m != null && config.cluster(m.cluster()).isPresent()) {
                    newest.put(m.cluster(), m.epoch());
                    highest.merge(m.cluster() + "@" + m.epoch().systemIdentifier(), m.epoch(),
                            (a, b) -> a.timeline() >= b.timeline() ? a : b);
                }
            }
        }
        Map<String, Epoch> floors = new HashMap<>();
        newest.forEach((cluster, e) -> floors.put(cluster, highest.get(cluster + "@" + e.systemIdentifier())));
        return new TopicState(floors, modes);
    }

    private boolean reached(Consumer<String, Decoded> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey(), bound) >= e.getValue());
    }
}
