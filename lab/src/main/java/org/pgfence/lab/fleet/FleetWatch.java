package org.pgfence.lab.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.lab.drill.EventWatch;
import org.pgfence.lab.drill.FailoverDrill;

/**
 * The fleet's view of the promotions and acks topics, fed by an {@link EventWatch} (its sink): promotions in order,
 * acks indexed by host and by ack id, so that "has every one of 500 hosts acked" is a lookup per host, not a scan of
 * every event seen. Heartbeats are not watched (the auditor ingests them; this JVM need not hold them).
 */
final class FleetWatch implements Consumer<EventWatch.Seen> {
    /**
     * An ack, when this JVM saw it on Kafka, and its record's CreateTime: when the agent's producer sent it. Timings
     * are taken from the producers' times: this JVM also runs the agents, so what its own consumer sees comes late.
     */
    record Ack(FencingAck ack, Instant seen, Instant sent) {
    }

    private final List<EventWatch.Seen> promotions = new ArrayList<>();
    private final Map<String, List<Ack>> byHost = new ConcurrentHashMap<>();
    private final Map<UUID, Instant> sentById = new ConcurrentHashMap<>();

    @Override
    public void accept(EventWatch.Seen s) {
        if (s.event() instanceof MasterPromoted) {
            synchronized (promotions) {
                promotions.add(s);
            }
        } else if (s.event() instanceof FencingAck a) {
            List<Ack> acks = byHost.computeIfAbsent(a.host(), h -> new ArrayList<>());
            synchronized (acks) {
                acks.add(new Ack(a, s.at(), s.sent()));
            }
            if (a.ackId() != null) { // the first copy: an agent may send one ack again (BestEffort), as N=500 did
                sentById.putIfAbsent(a.ackId(), s.sent());
            }
        }
    }

    /** The announcements of {@code cluster} above {@code timeline}, in the order seen. */
    List<EventWatch.Seen> promotionsAbove(String cluster, int timeline) {
        synchronized (promotions) {
            return promotions.stream().filter(s -> s.event() instanceof MasterPromoted m && m.cluster().equals(cluster)
                    && m.epoch().timeline() > timeline).toList();
        }
    }

    /** The host's first good ack at {@code timeline} or later that routes rw to {@code node} (by the agent's completion). */
    Optional<Ack> routed(String host, int timeline, String node) {
        return acks(host).stream().filter(x -> x.ack().status().isGood() && x.ack().epoch() != null
                        && x.ack().epoch().timeline() >= timeline && node.equals(FailoverDrill.rwOf(x.ack())))
                .min(Comparator.comparing(x -> x.ack().timings().completedAt()));
    }

    /** The host's first ack seen at or after {@code since}, whatever it says. */
    Optional<Ack> firstSince(String host, Instant since) {
        return acks(host).stream().filter(x -> !x.seen().isBefore(since)).min(Comparator.comparing(Ack::seen));
    }

    /** When the ack {@code ackId} was sent to Kafka (its record's CreateTime), or null if not seen. */
    Instant sent(UUID ackId) {
        return sentById.get(ackId);
    }

    /** Acks of {@code hosts} seen in [from, to) by status, e.g. {APPLIED=40, FENCED_CLOSED=10}. */
    Map<String, Long> statuses(Collection<String> hosts, Instant from, Instant to) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (String h : hosts) {
            for (Ack x : acks(h)) {
                if (!x.seen().isBefore(from) && x.seen().isBefore(to)) {
                    out.merge(x.ack().status().name(), 1L, Long::sum);
                }
            }
        }
        return out;
    }

    private List<Ack> acks(String host) {
        List<Ack> acks = byHost.getOrDefault(host, List.of());
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }
}
