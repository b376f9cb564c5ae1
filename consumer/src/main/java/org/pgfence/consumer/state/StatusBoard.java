package org.pgfence.consumer.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.pgfence.events.AckStatus;
import org.pgfence.events.ClusterRouting;

/**
 * The latest {@link ClusterStatus} per cluster, and what the host routes per cluster; written by the agent loop,
 * read by the HTTP thread and the heartbeat.
 */
public final class StatusBoard {
    private final Map<String, ClusterStatus> clusters = new ConcurrentSkipListMap<>();
    private final Map<String, ClusterRouting> routing = new ConcurrentSkipListMap<>();

    /**
     * Records the outcome of a trigger. A stale event rejected changes nothing in pgbouncer, so it does not change
     * what the host is reported to route either (unless nothing was reported yet): otherwise one replayed old event
     * would make a host that serves the newest promotion look as if it had stopped. A routing the same as the one
     * before keeps its {@code since}: the host has routed so since the trigger that first produced it.
     */
    public void put(ClusterStatus status) {
        clusters.put(status.cluster(), status);
        if (status.lastStatus() != AckStatus.REJECTED_STALE || !routing.containsKey(status.cluster())) {
            ClusterRouting before = routing.get(status.cluster());
            ClusterRouting now = status.routing();
            Instant since = now.sameRoutingAs(before) && before.since() != null ? before.since() : now.at();
            routing.put(status.cluster(), new ClusterRouting(now.cluster(), now.epoch(), now.floor(), now.fencedClosed(),
                    now.status(), now.at(), now.targets(), now.reason(), since));
        }
    }

    public List<ClusterStatus> all() {
        return List.copyOf(clusters.values());
    }

    /** What the host routes now, per cluster it has reconciled at least once (for the heartbeat). */
    public List<ClusterRouting> routing() {
        return List.copyOf(routing.values());
    }
}
