package org.pgfence.lab.it.promote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.cli.Main;
import org.pgfence.events.EventJson;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.TestKafka;
import org.pgfence.runtime.kafka.KafkaSettings;
import org.pgfence.runtime.kafka.TopicInstaller;

/**
 * {@code promote.pause} (DESIGN "Two-phase fencing": fencing-started is published <em>before</em> a promotion runs),
 * against a real broker and a standby's data directory on disk: the intent must be on Kafka before the promotion
 * command starts, or a promotion faster than the intent's publish (a second on this machine) leaves the agents
 * nothing to pause for: they find the new primary on their own first and reject the intent as stale. The promotion
 * here is a command that only writes the time it started.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS) // measured at most a tenth of this
class PromotePauseIT {
    @TempDir
    Path dir;

    @Test
    void theIntentIsOnKafkaBeforeThePromotionStarts() throws Exception {
        String bootstrap = TestKafka.bootstrapServers();
        String prefix = "it-pause-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = new Topics(prefix);
        TopicInstaller.ensure(new KafkaSettings(bootstrap, topics, Map.of()), Duration.ofSeconds(60));
        Path data = standbyDataDirectory(3);
        Path repmgrConf = dir.resolve("repmgr.conf");
        Files.writeString(repmgrConf, """
                node_id=2
                node_name='node2'
                conninfo='host=127.0.0.1 port=1 user=repmgr dbname=repmgr connect_timeout=1'
                data_directory='%s'
                """.formatted(data));
        Path startedAt = dir.resolve("promotion-started-at");
        Path config = dir.resolve("promote.yaml");
        Files.writeString(config, """
                cluster: pause-it
                host: node2
                kafka: {bootstrapServers: '%s', topicPrefix: '%s'}
                repmgr: {config: '%s'}
                promote: {command: ['/bin/sh', '-c', 'date +%%s%%3N > %s'], timeout: 10s, pause: 20s}
                publish: {deadline: 10s}
                verify: {timeout: 1s}
                spool: {dir: '%s'}
                local: {conninfo: 'host=127.0.0.1 port=1 user=repmgr dbname=repmgr connect_timeout=1'}
                """.formatted(bootstrap, prefix, repmgrConf, startedAt, dir.resolve("spool")));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"promote", "--config", config.toString()}, Map.of(), new PrintStream(out, true),
                new PrintStream(out, true));

        assertThat(rc).as(out.toString()).isZero();
        long promotionStarted = Long.parseLong(Files.readString(startedAt).trim());
        Optional<ConsumerRecord<String, byte[]>> intent = read(bootstrap, topics.promotions()).stream()
                .filter(r -> EventJson.fromBytes(r.value()) instanceof FencingStarted).findFirst();
        assertThat(intent).as("fencing-started on " + topics.promotions()).isPresent();
        FencingStarted fs = EventJson.fromBytes(intent.get().value(), FencingStarted.class);
        assertThat(fs.intent()).isEqualTo(FencingStarted.Intent.PROMOTION);
        assertThat(fs.epoch().timeline()).as("the standby's timeline, from its newest WAL segment").isEqualTo(3);
        System.out.printf("promote.pause: fencing-started on Kafka at %d (%s), the promotion started at %d: %d ms later%n",
                intent.get().timestamp(), intent.get().timestampType(), promotionStarted,
                promotionStarted - intent.get().timestamp());
        assertThat(intent.get().timestamp()).as("the intent's record time against the promotion's start")
                .isLessThanOrEqualTo(promotionStarted);
    }

    private Path standbyDataDirectory(int timeline) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("pg_wal"));
        Files.write(data.resolve("global/pg_control"), ByteBuffer.allocate(296).order(ByteOrder.nativeOrder())
                .putLong(7_300_000_000_000_000_001L).putInt(1300).array());
        Files.createFile(data.resolve("standby.signal"));
        Files.createFile(data.resolve("pg_wal").resolve(String.format("%08X%08X%08X", timeline, 0, 7)));
        return data;
    }

    private static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "enable.auto.commit", "false"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
