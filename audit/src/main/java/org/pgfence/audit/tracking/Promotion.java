package org.pgfence.audit.tracking;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.pgfence.events.Epoch;
import org.pgfence.events.FormerPrimary;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;

/**
 * One promotion of a cluster, identified by (cluster, epoch); however many events announced it.
 * {@code expectedHosts} is the snapshot of agents that must ack it; {@code completedAt} is null until complete.
 */
public record Promotion(long id, UUID firstEventId, String cluster, Epoch epoch, NodeRef newPrimary,
                        FormerPrimary formerPrimary, Trigger trigger, Instant occurredAt, Instant firstSeenAt,
                        Instant completedAt, List<String> expectedHosts) {

    public Promotion {
        expectedHosts = List.copyOf(expectedHosts);
    }

    public boolean isComplete() {
        return completedAt != null;
    }

    public Promotion withExpectedHosts(List<String> hosts) {
        return new Promotion(id, firstEventId, cluster, epoch, newPrimary, formerPrimary, trigger, occurredAt,
                firstSeenAt, completedAt, hosts);
    }
}
