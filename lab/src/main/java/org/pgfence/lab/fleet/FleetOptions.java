package org.pgfence.lab.fleet;

import java.time.Duration;

/**
 * How a fleet cell runs.
 *
 * @param promotions      primary crashes, each repaired (rejoin) before the next
 * @param maxConnections  {@code max_connections} given to every node first (0: leave the lab's)
 * @param brokerRestart   whether to stop and start the lab's broker at the end and time the groups' return
 * @param reconcile       the agents' timer reconcile interval (the product default: 30 s)
 * @param heartbeat       the agents' heartbeat interval (the product default: 5 s)
 * @param rest            the quiet window measured before each crash
 * @param ramp            the pause between two agents' starts
 * @param keepConnections the agents' {@code clusters[].keepConnections}: one kept connection per node, or one per probe
 * @param roleLimit       -1: the agents log in as {@code repmgr} (a superuser, as the lab's agents do); 0 or more: as the
 *                        {@code pgfence} role docs/deployment.md creates (not a superuser), with that CONNECTION LIMIT
 *                        (0: none)
 */
public record FleetOptions(int promotions, int maxConnections, boolean brokerRestart, Duration reconcile,
                           Duration heartbeat, Duration rest, Duration ramp, boolean keepConnections, int roleLimit) {

    public FleetOptions {
        if (promotions < 1 || maxConnections < 0 || reconcile.toSeconds() < 1 || heartbeat.toSeconds() < 1
                || rest.isNegative() || ramp.isNegative() || roleLimit < -1) {
            throw new IllegalArgumentException("Invalid fleet options: promotions >= 1, maxConnections >= 0 (0: the"
                    + " lab's), reconcile and heartbeat >= 1s, rest and ramp >= 0, roleLimit >= -1");
        }
    }

    /**
     * The product's intervals and probes (kept connections), PostgreSQL's default max_connections, agents as
     * {@code repmgr}, a 10 s rest, 20 agents started per second.
     */
    public static FleetOptions defaults(int promotions) {
        return new FleetOptions(promotions, 100, true, Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofMillis(50), true, -1);
    }

    public FleetOptions withMaxConnections(int value) {
        return new FleetOptions(promotions, value, brokerRestart, reconcile, heartbeat, rest, ramp, keepConnections,
                roleLimit);
    }

    public FleetOptions withBrokerRestart(boolean value) {
        return new FleetOptions(promotions, maxConnections, value, reconcile, heartbeat, rest, ramp, keepConnections,
                roleLimit);
    }

    public FleetOptions withRest(Duration value) {
        return new FleetOptions(promotions, maxConnections, brokerRestart, reconcile, heartbeat, value, ramp,
                keepConnections, roleLimit);
    }

    public FleetOptions withKeepConnections(boolean value) {
        return new FleetOptions(promotions, maxConnections, brokerRestart, reconcile, heartbeat, rest, ramp, value,
                roleLimit);
    }

    /** Agents log in as the {@code pgfence} role with this CONNECTION LIMIT (0: none). */
    public FleetOptions withPgfenceRole(int limit) {
        return new FleetOptions(promotions, maxConnections, brokerRestart, reconcile, heartbeat, rest, ramp,
                keepConnections, limit);
    }

    /** What goes into each agent's cluster config. */
    java.util.Map<String, Object> clusterOptions() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("keepConnections", keepConnections);
        if (roleLimit >= 0) {
            m.put("repmgr", java.util.Map.of("user", AgentRole.NAME));
        }
        return m;
    }

    /** How the agents connect, for a table: "kept,repmgr", "per-probe,limit 10". */
    String mode() {
        return (keepConnections ? "kept" : "per-probe") + "," + (roleLimit < 0 ? "repmgr" : roleLimit == 0 ? AgentRole.NAME
                : "limit " + roleLimit);
    }

    /** How the agents connect, in words. */
    String probes() {
        return (keepConnections ? "kept connections" : "a connection per probe") + ", as "
                + (roleLimit < 0 ? "repmgr (superuser)" : AgentRole.NAME + (roleLimit == 0 ? "" : " CONNECTION LIMIT "
                + roleLimit));
    }
}
