package org.pgfence.consumer.decision;

/** What the rw decision for a cluster came to. */
public enum RwOutcome {
    /** One primary verified: rw entries route to it. */
    ROUTED,
    /** Ambiguity or no verifiable primary: rw entries are closed (rule 4). */
    FENCED_CLOSED
}
