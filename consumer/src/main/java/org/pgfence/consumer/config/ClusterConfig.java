package org.pgfence.consumer.config;

import java.time.Duration;
import java.util.List;

/**
 * One repmgr cluster this agent routes to: seed nodes and how to log into the repmgr database.
 * {@code repmgrPassword} may be null (trust, .pgpass, or PGPASSWORD-less setups); it is never logged.
 * {@code keepConnections}: keep one connection per node open between probes (no connect and login on the fencing
 * path), or open one for each probe and close it after (a node then holds the agents' connections only while they
 * probe: see docs/fleet-scale.md).
 */
public record ClusterConfig(String name, List<SeedNode> nodes, String repmgrDbname, String repmgrUser,
                            String repmgrPassword, Duration connectTimeout, boolean keepConnections) {

    public ClusterConfig(String name, List<SeedNode> nodes, String repmgrDbname, String repmgrUser,
                         String repmgrPassword, Duration connectTimeout) {
        this(name, nodes, repmgrDbname, repmgrUser, repmgrPassword, connectTimeout, true);
    }

    public ClusterConfig {
        nodes = List.copyOf(nodes);
    }

    @Override
    public String toString() {
        return "ClusterConfig[name=" + name + ", nodes=" + nodes + ", repmgrDbname=" + repmgrDbname
                + ", repmgrUser=" + repmgrUser + ", repmgrPassword=" + (repmgrPassword == null ? "none" : "****")
                + ", connectTimeout=" + connectTimeout + ", keepConnections=" + keepConnections + "]";
    }
}
