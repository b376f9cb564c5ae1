package org.pgfence.audit.tracking;

import java.time.Instant;
import java.util.UUID;
import org.pgfence.events.AckStatus;
import org.pgfence.events.Epoch;

/**
 * An ack as stored: {@code eventId} null for a reconcile ack; {@code promotionId} null when it answers
 * no known promotion (a reconcile, or an event not seen yet). {@code epoch} may be null (a failure
 * before the epoch was known).
 */
public record AckRecord(UUID ackId, UUID eventId, Long promotionId, String cluster, String host, String agentId,
                        AckStatus status, Epoch epoch, Instant completedAt, String error) {

    public static final String AUDIT_AGENT = "audit";

    /** Whether this ack shows {@code host} routing as a promotion at {@code epoch} requires. */
    public boolean satisfies(String cluster, Epoch promotionEpoch) {
        return status.isGood()
                && this.cluster.equals(cluster)
                && epoch != null
                && epoch.systemIdentifier().equals(promotionEpoch.systemIdentifier())
                && epoch.timeline() >= promotionEpoch.timeline();
    }

    public boolean fromRemediation() {
        return AUDIT_AGENT.equals(agentId);
    }
}
