package org.pgfence.consumer.decision;

import org.pgfence.consumer.discovery.NodeObservation;
import org.pgfence.consumer.discovery.RepmgrNode;
import org.pgfence.events.NodeRef;

/**
 * A reachable node of the cluster's own system. {@code self} and {@code ref} are null when the node
 * cannot be identified in its own metadata or carries a value unsafe for the ini ({@code unusable}
 * says why): such a node still counts as a writer for ambiguity, but is never routed.
 */
record Candidate(NodeObservation observation, RepmgrNode self, NodeRef ref, String unusable) {

    boolean writable() {
        return !observation.inRecovery();
    }

    int timeline() {
        return observation.timeline();
    }

    boolean routable() {
        return ref != null;
    }

    String label() {
        return ref != null ? ref.toString() : (self != null ? self.name() : "?") + "@" + observation.address();
    }
}
