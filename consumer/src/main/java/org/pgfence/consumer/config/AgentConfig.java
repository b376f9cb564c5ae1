package org.pgfence.consumer.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgfence.runtime.kafka.KafkaSettings;

/**
 * The whole, validated configuration of one {@code pgfence agent} (or {@code pgfence render}) process.
 * Built once by {@link AgentConfigLoader}; immutable. Every key is documented in the README (Configuration).
 *
 * @param host              this pgbouncer host's name (acks, heartbeats, consumer group)
 * @param localNode         repmgr node_name the {@code local} ro policy picks; defaults to {@code host}
 * @param applyTimeout      bound on one apply (write + reload + verify + kill/resume), retries included
 * @param pauseDrainTimeout how long a PAUSE for a {@code fencing-started} may wait for its database's server
 *                          connections to be released before the rest is cut (KILL)
 */
public record AgentConfig(String host, String localNode, KafkaSettings kafka, List<ClusterConfig> clusters,
                          List<DatabaseConfig> databases, PgbouncerConfig pgbouncer, Duration reconcileInterval,
                          FailClosedMode failClosed, Path stateDir, HttpConfig http, Duration heartbeatInterval,
                          Duration applyTimeout, Duration pauseDrainTimeout) {

    public AgentConfig {
        clusters = List.copyOf(clusters);
        databases = List.copyOf(databases);
    }

    public Optional<ClusterConfig> cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public List<DatabaseConfig> databasesOf(String cluster) {
        return databases.stream().filter(d -> d.cluster().equals(cluster)).toList();
    }

    public List<String> clusterNames() {
        return clusters.stream().map(ClusterConfig::name).toList();
    }

    public List<String> databaseNames() {
        return databases.stream().map(DatabaseConfig::name).toList();
    }

    /** The effective configuration as it may be logged: secrets masked. */
    public Map<String, Object> masked() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("host", host);
        out.put("localNode", localNode);
        out.put("kafka", kafka.masked());
        out.put("clusters", clusters.toString());
        out.put("databases", databases.toString());
        out.put("pgbouncer", pgbouncer.toString());
        out.put("reconcileInterval", reconcileInterval);
        out.put("failClosed", failClosed);
        out.put("stateDir", stateDir);
        out.put("http", http);
        out.put("heartbeatInterval", heartbeatInterval);
        out.put("applyTimeout", applyTimeout);
        out.put("pauseDrainTimeout", pauseDrainTimeout);
        return out;
    }
}
