package org.pgfence.audit.tracking;

/** Where one expected host stands for one promotion. */
public enum HostState {
    /** A good ack (APPLIED or UNCHANGED at an epoch >= the promotion's) arrived. */
    ACKED,
    /** No good ack yet, still within the deadline. */
    PENDING,
    /** No good ack and the deadline after occurredAt has passed. */
    OVERDUE
}
