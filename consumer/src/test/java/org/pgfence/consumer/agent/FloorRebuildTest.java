package org.pgfence.consumer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.config.AgentConfigLoader;
import org.pgfence.consumer.state.EpochStore;
import org.pgfence.events.Epoch;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.events.testing.MutableClock;
import org.pgfence.process.ConfigReader;

class FloorRebuildTest {
    private static final String TOPIC = "pgfence.promotions";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T20:00:00Z"));

    private AgentConfig config() throws Exception {
        return AgentConfigLoader.from(ConfigReader.of("test", Map.of(
                "host", "pgb1",
                "kafka", Map.of("bootstrapServers", "127.0.0.1:1"),
                "clusters", List.of(Map.of("name", "main", "nodes", List.of(Map.of("host", "127.0.0.11")))),
                "databases", List.of(Map.of("name", "appdb-rw", "cluster", "main", "role", "rw", "dbname", "appdb")),
                "pgbouncer", Map.of("databaseIni", dir.resolve("db.ini").toString()),
                "stateDir", dir.resolve("state").toString()), Map.of()));
    }

    private static MasterPromoted promoted(String cluster, int tli, String system) {
        return new MasterPromoted(1, UUID.randomUUID(), cluster, Instant.parse("2026-12-02T19:00:00Z"), "node2",
                Trigger.REPMGRD_FAILOVER, "standby_promote", new NodeRef(2, "node2", "127.0.0.12", 5432), null,
                new Epoch(tli, system));
    }

    private static MockConsumer<String, Decoded> topicWith(MasterPromoted... events) {
        MockConsumer<String, Decoded> c = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        c.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
        c.updateBeginningOffsets(Map.of(TP, 0L));
        c.updateEndOffsets(Map.of(TP, (long) events.length));
        c.schedulePollTask(() -> {
            for (int i = 0; i < events.length; i++) {
                c.addRecord(new ConsumerRecord<>(TOPIC, 0, i, events[i].cluster(), Decoded.of(events[i])));
            }
        });
        return c;
    }

    @Test
    void aLostStateFileIsRebuiltFromTheTopicWithTheHighestTimelineOfTheNewestSystem() throws Exception {
        EpochStore epochs = EpochStore.open(dir.resolve("state"));
        assertThat(epochs.unknown()).isPresent();
        MockConsumer<String, Decoded> topic = topicWith(promoted("main", 5, "old"), promoted("main", 3, "73"),
                promoted("other", 9, "73"), promoted("main", 2, "73"));
        boolean read = new FloorRebuild(config(), () -> topic, epochs, m -> false, clock).run();
        assertThat(read).isTrue();
        assertThat(epochs.unknown()).isEmpty();
        assertThat(epochs.floor("main")).as("newest system 73, its highest timeline 3").contains(new Epoch(3, "73"));
        assertThat(epochs.floor("other")).as("a cluster this host does not serve").isEmpty();
        assertThat(EpochStore.open(dir.resolve("state")).floor("main")).contains(new Epoch(3, "73"));
        assertThat(topic.closed()).isTrue();
    }

    @Test
    void aTopicThatCannotBeReadLeavesTheFloorUnknownAndIsRetriedWithBackoff() throws Exception {
        EpochStore epochs = EpochStore.open(dir.resolve("state"));
        int[] tries = {0};
        FloorRebuild rebuild = new FloorRebuild(config(), () -> {
            tries[0]++;
            MockConsumer<String, Decoded> c = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
            c.setPollException(new KafkaException("broker down"));
            c.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
            c.updateBeginningOffsets(Map.of(TP, 0L));
            c.updateEndOffsets(Map.of(TP, 1L));
            return c;
        }, epochs, m -> false, clock);
        assertThat(rebuild.run()).isFalse();
        assertThat(epochs.unknown()).isPresent();
        rebuild.runIfUnknown();
        assertThat(tries[0]).as("not again before the backoff").isEqualTo(1);
        clock.advance(java.time.Duration.ofSeconds(1));
        rebuild.runIfUnknown();
        assertThat(tries[0]).isEqualTo(2);
    }
}
