package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * {@code agent-heartbeat}: an agent registers (on start) and keeps saying it is alive, on the
 * compacted {@code <prefix>.agents} topic keyed by host. The auditor expects an ack for a promotion
 * from every agent registered for the cluster. {@code routing} (optional, added compatibly in 0.2.0) says what the
 * host routes now, per cluster, as its agent last verified it.
 */
public record AgentHeartbeat(
        int schemaVersion,
        String host,
        String agentId,
        List<String> clusters,
        List<String> databases,
        String version,
        Instant startedAt,
        Instant lastSeen,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ClusterRouting> routing) implements PgfenceEvent {

    public static final String TYPE = "agent-heartbeat";
    public static final int SCHEMA_VERSION = 1;

    @JsonCreator
    public AgentHeartbeat(
            @JsonProperty("schemaVersion") int schemaVersion,
            @JsonProperty("host") String host,
            @JsonProperty("agentId") String agentId,
            @JsonProperty("clusters") List<String> clusters,
            @JsonProperty("databases") List<String> databases,
            @JsonProperty("version") String version,
            @JsonProperty("startedAt") Instant startedAt,
            @JsonProperty("lastSeen") Instant lastSeen,
            @JsonProperty("routing") List<ClusterRouting> routing) {
        Fields.schema(schemaVersion);
        this.schemaVersion = schemaVersion;
        this.host = Fields.required("host", host);
        this.agentId = Fields.required("agentId", agentId);
        this.clusters = Fields.copy(clusters);
        this.databases = Fields.copy(databases);
        this.version = Fields.required("version", version);
        this.startedAt = Fields.required("startedAt", startedAt);
        this.lastSeen = Fields.required("lastSeen", lastSeen);
        this.routing = Fields.copy(routing);
    }

    /** A registration that says nothing yet of what the host routes (an agent that has not reconciled). */
    public AgentHeartbeat(int schemaVersion, String host, String agentId, List<String> clusters, List<String> databases,
                          String version, Instant startedAt, Instant lastSeen) {
        this(schemaVersion, host, agentId, clusters, databases, version, startedAt, lastSeen, List.of());
    }

    /** This host's routing of {@code cluster}, as of its last trigger, if the heartbeat carries it. */
    public java.util.Optional<ClusterRouting> routingOf(String cluster) {
        return routing.stream().filter(r -> r.cluster().equals(cluster)).findFirst();
    }
}
