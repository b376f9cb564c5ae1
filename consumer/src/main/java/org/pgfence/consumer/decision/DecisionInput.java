package org.pgfence.consumer.decision;

import java.util.List;
import org.pgfence.consumer.config.DatabaseConfig;
import org.pgfence.consumer.discovery.NodeObservation;
import org.pgfence.events.Epoch;

/**
 * Everything the decision needs, and nothing else: the probes, the epoch floor (the highest epoch this agent has
 * seen, null if none), why the floor cannot be trusted ({@code floorUnknown}, null when it can), the epoch an event
 * announced (null for a reconcile), the cluster's databases and the repmgr node name the {@code local} ro policy
 * picks.
 */
public record DecisionInput(String cluster, List<NodeObservation> observations, Epoch floor, String floorUnknown,
                            Epoch announced, List<DatabaseConfig> databases, String localNode) {
    public DecisionInput {
        observations = List.copyOf(observations);
        databases = List.copyOf(databases);
    }
}
