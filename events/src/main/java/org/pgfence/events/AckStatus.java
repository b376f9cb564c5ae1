package org.pgfence.events;

/** The outcome an agent reports for one trigger. */
public enum AckStatus {
    /** The database ini was rewritten, pgbouncer reloaded and verified. */
    APPLIED,
    /** The ini already routed as the verified cluster requires; nothing written. */
    UNCHANGED,
    /** The agent could not apply; the previous ini is intact. {@code error} says why. */
    FAILED,
    /** The event announced an epoch below the one already applied; ignored. */
    REJECTED_STALE,
    /** No primary could be verified, or two claimed it: rw entries are disabled. */
    FENCED_CLOSED,
    /**
     * The cluster is in maintenance ({@code pgfence pause}): the agent observed and decided but changed nothing;
     * {@code error} carries the operator's reason, the epoch what it would route to.
     */
    MAINTENANCE,
    /**
     * Answer to {@link FencingStarted}: the cluster's rw databases are PAUSEd (new queries queue in pgbouncer) and held
     * until the promotion's {@link MasterPromoted} moves them or the pause expires; the epoch is the floor held.
     */
    PAUSED;

    /** Whether this ack counts towards completion of a promotion at or below the ack's epoch. */
    public boolean isGood() {
        return this == APPLIED || this == UNCHANGED;
    }
}
