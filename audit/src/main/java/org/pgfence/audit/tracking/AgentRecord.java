package org.pgfence.audit.tracking;

import java.time.Instant;
import java.util.List;

/** The latest registration/heartbeat of the agent on {@code host}. */
public record AgentRecord(String host, String agentId, List<String> clusters, List<String> databases,
                          String version, Instant startedAt, Instant lastSeen) {

    public AgentRecord {
        clusters = List.copyOf(clusters);
        databases = List.copyOf(databases);
    }
}
