package org.pgfence.consumer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.config.AgentConfigLoader;
import org.pgfence.process.ConfigReader;
import org.junit.jupiter.api.Test;

class AgentConsumerPropertiesTest {

    private static AgentConfig config(Map<String, Object> kafka) throws Exception {
        return AgentConfigLoader.from(ConfigReader.of("test", Map.of(
                "host", "node1",
                "kafka", kafka,
                "clusters", List.of(Map.of("name", "main", "nodes", List.of(Map.of("host", "127.0.0.1")))),
                "databases", List.of(Map.of("name", "appdb-rw", "cluster", "main", "role", "rw", "dbname", "appdb")),
                "pgbouncer", Map.of("databaseIni", "/tmp/never-written.ini"),
                "stateDir", "/tmp/never-written-state"), Map.of()));
    }

    @Test
    void idleFetchWaitAndHeartbeatAreRaisedToCutIdleRequests() throws Exception {
        AgentConfig c = config(Map.of("bootstrapServers", "127.0.0.1:1"));
        assertThat(Agent.consumerProperties(c, "id").getProperty("fetch.max.wait.ms")).isEqualTo("5000");
        assertThat(Agent.consumerProperties(c, "id").getProperty("heartbeat.interval.ms")).isEqualTo("15000");
        assertThat(Agent.consumerProperties(c, "id").getProperty("group.id")).isEqualTo("pgfence-agent.node1");
    }

    @Test
    void configuredFetchWaitWins() throws Exception {
        AgentConfig c = config(Map.of("bootstrapServers", "127.0.0.1:1", "properties", Map.of("fetch.max.wait.ms", "50",
                "heartbeat.interval.ms", "3000")));
        assertThat(Agent.consumerProperties(c, "id").getProperty("fetch.max.wait.ms")).isEqualTo("50");
        assertThat(Agent.consumerProperties(c, "id").getProperty("heartbeat.interval.ms")).isEqualTo("3000");
    }
}
