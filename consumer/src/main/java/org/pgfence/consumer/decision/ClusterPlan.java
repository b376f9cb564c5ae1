package org.pgfence.consumer.decision;

import java.util.List;

/** The decision for one cluster: rw verdict, every database's target, and what was ignored and why. */
public record ClusterPlan(String cluster, RwDecision rw, List<PlannedEntry> entries, List<String> warnings) {
    public ClusterPlan {
        entries = List.copyOf(entries);
        warnings = List.copyOf(warnings);
    }

    /** Writable nodes seen below the top timeline (returning old primaries), as the warnings name them. */
    public long staleWriters() {
        return warnings.stream().filter(w -> w.startsWith(Decider.STALE_WRITER)).count();
    }

    public boolean fencedClosed() {
        return !rw.routed();
    }
}
