package org.pgfence.consumer.discovery;

/** Where a node's timeline reading came from, in decreasing order of trust. */
public enum TimelineSource {
    /** A primary: {@code substr(pg_walfile_name(pg_current_wal_lsn()),1,8)}. Exact. */
    WAL_FILE,
    /** A streaming standby: {@code pg_stat_wal_receiver.received_tli}. Exact. */
    WAL_RECEIVER,
    /** A standby whose receiver is down: {@code IDENTIFY_SYSTEM} over a replication connection. Exact. */
    IDENTIFY_SYSTEM,
    /**
     * A standby whose receiver is down: the highest timeline of the WAL segments in its {@code pg_wal}
     * ({@code pg_ls_waldir()}). Never below its replay timeline, never above an existing one: counts for the top
     * timeline like an exact reading, but such a standby is not streaming, so it gets no read-only traffic.
     */
    WAL_DIRECTORY,
    /** Last resort: {@code pg_control_checkpoint().timeline_id}; lags (a lower bound only). */
    CHECKPOINT;

    /** Whether a standby with this reading can be called streaming on that timeline. */
    public boolean exact() {
        return this != CHECKPOINT && this != WAL_DIRECTORY;
    }
}
