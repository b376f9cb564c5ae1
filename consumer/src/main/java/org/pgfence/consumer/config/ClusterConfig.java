package org.pgfence.consumer.config;

import java.time.Duration;
import java.util.List;

/**
 * One repmgr cluster this agent routes to: seed nodes and how to log into the repmgr database.
 * {@code repmgrPassword} may be null (trust, .pgpass, or PGPASSWORD-less setups); it is never logged.
 */
public record ClusterConfig(String name, List<SeedNode> nodes, String repmgrDbname, String repmgrUser,
                            String repmgrPassword, Duration connectTimeout) {
    public ClusterConfig {
        nodes = List.copyOf(nodes);
    }

    @Override
    public String toString() {
        return "ClusterConfig[name=" + name + ", nodes=" + nodes + ", repmgrDbname=" + repmgrDbname
                + ", repmgrUser=" + repmgrUser + ", repmgrPassword=" + (repmgrPassword == null ? "none" : "****")
                + ", connectTimeout=" + connectTimeout + "]";
    }
}
