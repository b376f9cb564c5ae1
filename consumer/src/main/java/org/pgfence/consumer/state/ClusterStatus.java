package org.pgfence.consumer.state;

import java.time.Instant;
import java.util.List;
import org.pgfence.events.AckStatus;
import org.pgfence.events.ClusterRouting;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.Epoch;

/** What {@code /status} says about one cluster: the outcome of its last trigger. */
public record ClusterStatus(String cluster, Epoch epochFloor, List<DatabaseTarget> targets, AckStatus lastStatus,
                            Instant lastAckAt, boolean fencedClosed, String lastError) {
    public ClusterStatus {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /**
     * What this host routes for the cluster, as a heartbeat reports it. rw routes at an epoch only after a good
     * trigger that left it open: then the floor is the epoch applied (an apply raises the floor to it, and nothing
     * below the floor is routed). After a failed trigger nothing is known to be routed (the epoch is left out), and
     * fenced closed routes nothing.
     */
    public ClusterRouting routing() {
        boolean open = lastStatus != null && lastStatus.isGood() && !fencedClosed;
        return new ClusterRouting(cluster, open ? epochFloor : null, epochFloor, fencedClosed, lastStatus, lastAckAt,
                targets, lastError);
    }
}
