package org.pgfence.consumer.state;

import java.time.Instant;
import java.util.List;
import org.pgfence.events.AckStatus;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.Epoch;

/** What {@code /status} says about one cluster. */
public record ClusterStatus(String cluster, Epoch epochFloor, List<DatabaseTarget> targets, AckStatus lastStatus,
                            Instant lastAckAt, boolean fencedClosed, String lastError) {
    public ClusterStatus {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }
}
