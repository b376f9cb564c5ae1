package org.pgfence.consumer.state;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** The latest {@link ClusterStatus} per cluster; written by the agent loop, read by the HTTP thread. */
public final class StatusBoard {
    private final Map<String, ClusterStatus> clusters = new ConcurrentSkipListMap<>();

    public void put(ClusterStatus status) {
        clusters.put(status.cluster(), status);
    }

    public List<ClusterStatus> all() {
        return List.copyOf(clusters.values());
    }
}
