package org.pgfence.consumer.decision;

import java.util.List;

/** The decision for one cluster: rw verdict, every database's target, and what was ignored and why. */
public record ClusterPlan(String cluster, RwDecision rw, List<PlannedEntry> entries, List<String> warnings) {
    public ClusterPlan {
        entries = List.copyOf(entries);
        warnings = List.copyOf(warnings);
    }

    public boolean fencedClosed() {
        return !rw.routed();
    }
}
