package org.pgfence.producer.switchover;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.pgfence.events.AgentHeartbeat;
import org.pgfence.events.FencingAck;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.events.kafka.Topics;
import org.pgfence.runtime.Deadline;

/**
 * What {@code pgfence switchover} reads from Kafka: which agents serve a cluster (the compacted heartbeats) and, from a
 * moment on, their acks. One consumer, partitions assigned by hand (no group, nothing committed).
 */
public final class FleetView implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);
    private final Consumer<String, Decoded> consumer;
    private final Topics topics;

    public FleetView(Consumer<String, Decoded> consumer, Topics topics) {
        this.consumer = consumer;
        this.topics = topics;
    }

    /**
     * The agents whose latest heartbeat names {@code cluster} and is at most {@code seenWithin} older than {@code now},
     * by host: the agents topic read from its start to its end. Throws when the end is not reached by the deadline.
     */
    public Map<String, AgentHeartbeat> agents(String cluster, Instant now, Duration seenWithin, Deadline deadline)
            throws UnavailableException {
        List<TopicPartition> parts = partitions(topics.agents(), deadline);
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        Map<TopicPartition, Long> end = consumer.endOffsets(parts, deadline.remaining());
        Map<String, AgentHeartbeat> latest = new TreeMap<>();
        while (parts.stream().anyMatch(p -> consumer.position(p, deadline.remaining()) < end.get(p))) {
            if (deadline.expired()) {
                throw new UnavailableException("the agents topic " + topics.agents() + " was not read to its end in time");
            }
            for (ConsumerRecord<String, Decoded> r : consumer.poll(POLL)) {
                if (r.value() != null) {
                    r.value().as(AgentHeartbeat.class).ifPresent(h -> latest.merge(h.host(), h,
                            (a, b) -> b.lastSeen().isAfter(a.lastSeen()) ? b : a));
                }
            }
        }
        Map<String, AgentHeartbeat> out = new TreeMap<>();
        latest.values().stream().filter(h -> h.clusters().contains(cluster))
                .filter(h -> !h.lastSeen().isBefore(now.minus(seenWithin))).forEach(h -> out.put(h.host(), h));
        return out;
    }

    /** From now on, the acks are watched: the acks topic's current end is where {@link #awaitAcks} reads from. */
    public void watchAcksFromNow(Deadline deadline) throws UnavailableException {
        List<TopicPartition> parts = partitions(topics.acks(), deadline);
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(p -> consumer.position(p, deadline.remaining())); // seekToEnd is lazy: fix the position now
    }

    /**
     * The latest ack of each host in {@code hosts} that {@code relevant} accepts, once every host has one, or what
     * there is when the deadline passes. {@code final} says which acks end the wait for a host: an earlier, non-final
     * one is replaced by a later one.
     */
    public Map<String, FencingAck> awaitAcks(java.util.Set<String> hosts, Predicate<FencingAck> relevant,
                                             Predicate<FencingAck> isFinal, Deadline deadline) {
        Map<String, FencingAck> acks = new TreeMap<>();
        while (!deadline.expired() && !hosts.stream().allMatch(h -> acks.containsKey(h) && isFinal.test(acks.get(h)))) {
            for (ConsumerRecord<String, Decoded> r : consumer.poll(POLL)) {
                if (r.value() == null) {
                    continue;
                }
                r.value().as(FencingAck.class).filter(a -> hosts.contains(a.host())).filter(relevant)
                        .ifPresent(a -> acks.merge(a.host(), a, (old, a2) -> isFinal.test(old) ? old : a2));
            }
        }
        return acks;
    }

    private List<TopicPartition> partitions(String topic, Deadline deadline) throws UnavailableException {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, deadline.remaining());
        } catch (RuntimeException e) {
            throw new UnavailableException("cannot read the partitions of " + topic + ": " + e.getMessage());
        }
        if (infos == null || infos.isEmpty()) {
            throw new UnavailableException("topic " + topic + " does not exist (have agents ever run?)");
        }
        List<TopicPartition> parts = new ArrayList<>();
        infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
        return parts;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }

    /** Kafka did not answer in time; nothing was changed. */
    public static final class UnavailableException extends Exception {
        public UnavailableException(String message) {
            super(message);
        }
    }
}
