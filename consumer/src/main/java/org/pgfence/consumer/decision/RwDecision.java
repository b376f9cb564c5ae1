package org.pgfence.consumer.decision;

import org.pgfence.events.Epoch;
import org.pgfence.events.NodeRef;

/**
 * The rw decision: the verified primary and its epoch, or why the cluster is fenced closed.
 * {@code epoch} is the top timeline seen (null when nothing was reachable), also when fenced.
 */
public record RwDecision(RwOutcome verdict, NodeRef primary, Epoch epoch, String reason) {

    public static RwDecision routed(NodeRef primary, Epoch epoch) {
        return new RwDecision(RwOutcome.ROUTED, primary, epoch, "verified primary " + primary + " on " + epoch);
    }

    public static RwDecision fenced(Epoch epoch, String reason) {
        return new RwDecision(RwOutcome.FENCED_CLOSED, null, epoch, reason);
    }

    public boolean routed() {
        return verdict == RwOutcome.ROUTED;
    }
}
