package org.pgfence.consumer.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Every probe of one cluster's candidate nodes in one discovery round. */
public record ClusterSnapshot(String cluster, List<NodeObservation> observations, Instant startedAt, Duration took) {
    public ClusterSnapshot {
        observations = List.copyOf(observations);
    }

    public boolean anyReachable() {
        return observations.stream().anyMatch(NodeObservation::reachable);
    }
}
