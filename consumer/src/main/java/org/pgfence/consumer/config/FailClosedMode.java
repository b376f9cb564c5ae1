package org.pgfence.consumer.config;

/** How a rw entry is closed when no primary can be verified. */
public enum FailClosedMode {
    /**
     * The entry stays, pointed at a Unix socket directory that cannot exist, and the agent issues
     * {@code DISABLE "db"}: clients get a clear refusal now, and even a pgbouncer restart (which forgets
     * DISABLE) cannot route writes to a guess.
     */
    DISABLE,
    /** The entry is omitted; pgbouncer drops the database on reload ("no such database"). */
    REMOVE
}
