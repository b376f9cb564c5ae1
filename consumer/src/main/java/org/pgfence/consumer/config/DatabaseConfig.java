package org.pgfence.consumer.config;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pgfence.pgbouncer.ini.Role;

/**
 * One pgbouncer database this host serves: {@code name} in pgbouncer, the cluster and role it routes
 * to, the PostgreSQL {@code dbname}, the ro policy and the extra pgbouncer options (allowed keys only,
 * sorted, so rendering is deterministic).
 */
public record DatabaseConfig(String name, String cluster, Role role, String dbname, RoPolicy roPolicy,
                             SortedMap<String, String> options) {
    public DatabaseConfig {
        options = Collections.unmodifiableSortedMap(new TreeMap<>(options));
    }
}
