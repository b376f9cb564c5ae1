package org.pgfence.consumer.agent;

import java.time.Clock;
import java.time.Instant;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.state.StatusBoard;
import org.pgfence.events.AgentHeartbeat;

/**
 * Builds this agent's registration/heartbeat record, with what the host routes now per cluster (as of each
 * cluster's last trigger): the auditor judges a promotion on that, not on an ack that may be old (DESIGN rule 10).
 */
public final class Heartbeats {
    private final AgentConfig config;
    private final String agentId;
    private final String version;
    private final Instant startedAt;
    private final Clock clock;
    private final StatusBoard status;

    public Heartbeats(AgentConfig config, String agentId, String version, Clock clock, StatusBoard status) {
        this.config = config;
        this.agentId = agentId;
        this.version = version;
        this.clock = clock;
        this.status = status;
        this.startedAt = clock.instant();
    }

    public AgentHeartbeat now() {
        return new AgentHeartbeat(AgentHeartbeat.SCHEMA_VERSION, config.host(), agentId, config.clusterNames(),
                config.databaseNames(), version, startedAt, clock.instant(), status.routing());
    }
}
