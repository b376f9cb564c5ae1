package org.pgfence.consumer.agent;

import java.time.Clock;
import java.time.Instant;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.events.AgentHeartbeat;

/** Builds this agent's registration/heartbeat record. */
public final class Heartbeats {
    private final AgentConfig config;
    private final String agentId;
    private final String version;
    private final Instant startedAt;
    private final Clock clock;

    public Heartbeats(AgentConfig config, String agentId, String version, Clock clock) {
        this.config = config;
        this.agentId = agentId;
        this.version = version;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    public AgentHeartbeat now() {
        return new AgentHeartbeat(AgentHeartbeat.SCHEMA_VERSION, config.host(), agentId, config.clusterNames(),
                config.databaseNames(), version, startedAt, clock.instant());
    }
}
