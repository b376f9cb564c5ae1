package org.pgfence.lab.torture;

/**
 * The faults the campaign draws from, and the repairs that undo them. Each is applied by {@link Nemesis} only when
 * its precondition holds (a switchover needs all three nodes, a repair needs its fault), so every seeded schedule
 * is one the lab can carry out.
 */
enum Fault {
    /** {@code pg_ctl stop -m immediate} of the primary; repmgrd promotes a standby. */
    CRASH_PRIMARY,
    /** A crashed former primary started as it is: writable on its old timeline, its stale repmgr.nodes says primary. */
    RESTART_OLD_PRIMARY,
    /** {@code repmgr node rejoin --force-rewind} of a crashed or returned node onto the primary. */
    REJOIN_NODE,
    /** Owner-matched iptables: one agent, or all, cut off from one or two PostgreSQL nodes. */
    PARTITION_AGENTS_FROM_NODES,
    /** Owner-matched iptables: one agent, or all, cut off from the Kafka broker. */
    PARTITION_AGENTS_FROM_KAFKA,
    /** Every partition lifted. */
    HEAL_PARTITIONS,
    /** The broker stopped (SIGTERM), as an outage: producers spool, agents keep their last state. */
    STOP_BROKER,
    START_BROKER,
    /** kill -9 of one agent. */
    KILL_AGENT,
    /** kill -9 of one agent, and its state file (the epoch floor) deleted. */
    KILL_AGENT_LOSING_STATE,
    RESTART_AGENT,
    /** A missing {@code %include} put first in one pgbouncer.ini: its RELOADs stop taking. */
    BREAK_INCLUDE,
    REPAIR_INCLUDE,
    /** One pgbouncer stopped (its agent's applies fail); started again by {@link #START_PGBOUNCER}. */
    STOP_PGBOUNCER,
    START_PGBOUNCER,
    /**
     * One agent restarted with its wall clock ten minutes ahead or behind (libfaketime), far beyond the auditor's
     * heartbeatTtl: what a host with broken NTP sends. Undone by {@link #UNSKEW_CLOCK}.
     */
    SKEW_CLOCK,
    UNSKEW_CLOCK,
    /** {@code repmgr standby switchover --siblings-follow} to a random standby. */
    SWITCHOVER,
    /**
     * A promotion outside repmgrd, as an operator does it: repmgrd stopped everywhere, the primary crashed,
     * {@code repmgr standby promote} on one standby (its standby_promote event announces it), the other standby
     * made to follow, repmgrd started again.
     */
    PROMOTE_BY_HAND,
    /**
     * A {@code fencing-started} with no promotion behind it (two-phase fencing): every agent pauses its rw databases;
     * half the time the intent is released at once (an aborted switchover), else its pause (2-8 s) expires.
     */
    FENCING_STARTED,
    /** {@code pgfence switchover --to} a random standby: pause everywhere, repmgr switchover, resume (or abort). */
    SWITCHOVER_TWO_PHASE;

    boolean repair() {
        return this == REJOIN_NODE || this == HEAL_PARTITIONS || this == START_BROKER || this == RESTART_AGENT
                || this == REPAIR_INCLUDE || this == START_PGBOUNCER || this == UNSKEW_CLOCK;
    }
}
