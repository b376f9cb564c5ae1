package org.pgfence.events;

/**
 * The SQL that reads a node's {@link Epoch} (its timeline and the cluster's system identifier), beside the type it
 * reads and in one place for the promoter, the agent and the lab: the fencing invariant rests on these expressions.
 * Plain strings: the contract stays free of any database client.
 * <p>
 * A primary's timeline is read from the name of the WAL segment it writes now, not from
 * {@code pg_control_checkpoint()}, which lags after a promotion until the next checkpoint completes (measured: up to
 * about 2 s). A standby's is the timeline its WAL receiver receives: the primary it follows.
 */
public final class EpochSql {
    /** The timeline a primary writes WAL on, right now. */
    public static final String PRIMARY_TIMELINE = "('x'||substr(pg_walfile_name(pg_current_wal_lsn()),1,8))::bit(32)::int";
    /** The timeline a standby's WAL receiver receives; NULL while the receiver is down. */
    public static final String STANDBY_TIMELINE = "(SELECT received_tli FROM pg_stat_wal_receiver LIMIT 1)";
    /** The node's timeline: {@link #PRIMARY_TIMELINE} or {@link #STANDBY_TIMELINE}. */
    public static final String TIMELINE = "CASE WHEN pg_is_in_recovery() THEN " + STANDBY_TIMELINE + " ELSE "
            + PRIMARY_TIMELINE + " END";
    /** The cluster's system identifier, as text (a bigint beyond what some clients read exactly). */
    public static final String SYSTEM_IDENTIFIER = "(SELECT system_identifier FROM pg_control_system())::text";

    private EpochSql() {
    }
}
