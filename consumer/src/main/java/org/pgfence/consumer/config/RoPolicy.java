package org.pgfence.consumer.config;

/** Where a read-only database goes. Every policy falls back to the verified primary. */
public enum RoPolicy {
    /** The node whose repmgr node_name equals this host's name (or {@code localNode}), as in repmgr's recipe. */
    LOCAL,
    /** A streaming standby on the top timeline, preferring one in the same repmgr location. */
    STANDBY,
    /** The verified primary. */
    PRIMARY
}
