package org.pgfence.consumer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.config.AgentConfigLoader;
import org.pgfence.consumer.state.ClusterStatus;
import org.pgfence.consumer.state.StatusBoard;
import org.pgfence.events.AckStatus;
import org.pgfence.events.AgentHeartbeat;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.Epoch;
import org.pgfence.events.EventJson;
import org.pgfence.events.NodeRef;
import org.pgfence.events.testing.MutableClock;
import org.pgfence.process.ConfigReader;

class HeartbeatsTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T20:07:16Z"));
    private final StatusBoard board = new StatusBoard();

    private Heartbeats heartbeats() throws Exception {
        AgentConfig config = AgentConfigLoader.from(ConfigReader.of("test", Map.of(
                "host", "node1",
                "kafka", Map.of("bootstrapServers", "127.0.0.1:1"),
                "clusters", List.of(Map.of("name", "main", "nodes", List.of(Map.of("host", "127.0.0.1", "port", "1")))),
                "databases", List.of(Map.of("name", "appdb-rw", "cluster", "main", "role", "rw", "dbname", "appdb")),
                "pgbouncer", Map.of("databaseIni", dir.resolve("db.ini").toString(), "admin", Map.of("port", "1")),
                "stateDir", dir.resolve("state").toString()), Map.of()));
        return new Heartbeats(config, "node1/test", "0.2.0", clock, board);
    }

    @Test
    void aHeartbeatCarriesWhatTheHostRoutesAsOfEachClustersLastTrigger() throws Exception {
        Heartbeats h = heartbeats();
        assertThat(h.now().routing()).as("nothing reconciled yet: a registration only").isEmpty();
        Epoch e2 = new Epoch(2, "73");
        Instant applied = clock.instant();
        board.put(new ClusterStatus("main", e2, List.of(DatabaseTarget.routed("appdb-rw", "rw",
                new NodeRef(2, "node2", "127.0.0.12", 5432))), AckStatus.APPLIED, applied, false, null));
        clock.advance(java.time.Duration.ofSeconds(5));
        AgentHeartbeat beat = h.now();
        assertThat(beat.lastSeen()).isEqualTo(applied.plusSeconds(5));
        assertThat(beat.routingOf("main")).hasValueSatisfying(r -> {
            assertThat(r.epoch()).isEqualTo(e2);
            assertThat(r.at()).isEqualTo(applied);
            assertThat(r.serves(e2)).isTrue();
        });
        assertThat(EventJson.fromBytes(EventJson.toBytes(beat), AgentHeartbeat.class)).isEqualTo(beat);
    }
}
