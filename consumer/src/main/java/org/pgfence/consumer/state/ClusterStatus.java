package org.pgfence.consumer.state;

import java.time.Instant;
import java.util.List;
import org.pgfence.events.AckStatus;
import org.pgfence.events.ClusterRouting;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.Epoch;

/** What {@code /status} says about one cluster. */
public record ClusterStatus(String cluster, Epoch epochFloor, List<DatabaseTarget> targets, AckStatus lastStatus,
                            Instant lastAckAt, boolean fencedClosed, String lastError) {
    public ClusterStatus {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /**
     * This status as the routing heartbeats and reports carry: after a good trigger that is not fenced, the floor is the
     * epoch the rw entries route to (a good apply raises the floor to it); otherwise no epoch is claimed.
     */
    public ClusterRouting routing() {
        boolean routed = lastStatus != null && lastStatus.isGood() && !fencedClosed;
        return new ClusterRouting(cluster, routed ? epochFloor : null, epochFloor, fencedClosed, lastStatus, lastAckAt,
                targets, lastError);
    }
}
