package org.pgfence.audit.tracking;

/** Where one expected host stands for one promotion. */
public enum HostState {
    /**
     * A good ack (APPLIED or UNCHANGED at an epoch >= the promotion's) arrived, and nothing the host reported since
     * says otherwise.
     */
    ACKED,
    /** No good ack yet, still within the deadline. */
    PENDING,
    /** No good ack and the deadline after occurredAt has passed. */
    OVERDUE,
    /**
     * It acked good, but the routing it reported after that ack no longer serves the promotion: fenced closed, a
     * failed trigger, or rw at a lower epoch or another system. Like OVERDUE, it keeps the promotion from completing
     * and the status from being OK.
     */
    REGRESSED
}
