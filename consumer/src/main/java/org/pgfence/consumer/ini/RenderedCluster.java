package org.pgfence.consumer.ini;

import java.time.Instant;
import java.util.UUID;
import org.pgfence.consumer.decision.ClusterPlan;

/** A cluster's plan with what the header says about it: the event that triggered it (null: reconcile) and when. */
public record RenderedCluster(ClusterPlan plan, UUID eventId, Instant decidedAt) {
}
