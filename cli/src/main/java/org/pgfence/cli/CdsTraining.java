package org.pgfence.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.pgfence.events.Epoch;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;
import org.pgfence.producer.kafka.StandInBroker;
import org.pgfence.producer.spool.Spool;

/**
 * The training run for pgfence's class-data-sharing archive: run under {@code -XX:ArchiveClassesAtExit=FILE}, it
 * goes through the failover path ({@code promote}, {@code notify}, {@code spool flush}) against nothing (a
 * {@code /bin/true} promotion, a PostgreSQL and a Kafka that refuse connections), then publishes once to a
 * {@link StandInBroker}, so the JVM archives the classes those commands load; later runs with
 * {@code -XX:SharedArchiveFile=FILE} map them instead of loading them.
 * bin/pgfence and the lab's launcher create the archive once per distribution. Touches nothing outside a temp dir.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("pgfence-cds-training");
        try {
            Path config = write(dir, "127.0.0.1:1", "300ms");
            Map<String, String> env = Map.of();
            PrintStream none = new PrintStream(OutputStream.nullOutputStream());
            Main.run(new String[] {"promote", "--config", config.toString()}, env, none, none);
            Main.run(new String[] {"notify", "--config", config.toString(), "--node-id", "1", "--event", "standby_promote",
                "--success", "1", "--timestamp", "2026-01-01 00:00:00.000000+00", "--details", "training", "--primary", ""},
                    env, none, none);
            spoolOne(dir.resolve("spool"));
            Main.run(new String[] {"spool", "flush", "--config", config.toString()}, env, none, none);
            // and once against a broker that answers: the path from send to ack, as after every promotion (where
            // no loopback socket can be opened, the archive goes without it)
            try (StandInBroker broker = new StandInBroker()) {
                Path answered = write(dir.resolve("answered"), broker.bootstrap(), "30s"); // a cold JVM's first record
                spoolOne(dir.resolve("answered").resolve("spool"));
                Main.run(new String[] {"spool", "flush", "--config", answered.toString()}, env, none, none);
            } catch (IOException e) {
                System.err.println("pgfence cds training: no stand-in broker (" + e + "); training without it");
            }
            Main.run(new String[] {"--help"}, env, none, none);
            // The stand-in answers only the happy path; a real broker's first answer initialises Errors, which loads
            // all ~120 exception classes of kafka-clients (measured: the biggest share of what a successful notify
            // loaded from jars with the archive in use), and may answer with any of its APIs.
            org.apache.kafka.common.protocol.Errors.forCode((short) 0);
            KafkaAnswerPath.load(); // and the rest of what a broker's answers load
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static void spoolOne(Path spool) throws IOException {
        new Spool(spool).write(new MasterPromoted(MasterPromoted.SCHEMA_VERSION, UUID.randomUUID(), "training",
                Instant.now(), "training", Trigger.MANUAL, null, new NodeRef(1, "node1", "127.0.0.1", 1), null,
                new Epoch(1, "1")));
    }

    private static Path write(Path dir, String bootstrap, String publishDeadline) throws IOException {
        Files.createDirectories(dir);
        Path repmgr = dir.resolve("repmgr.conf");
        Files.writeString(repmgr, """
                node_id=1
                node_name='node1'
                conninfo='host=127.0.0.1 port=1 user=repmgr dbname=repmgr connect_timeout=1'
                """);
        Path config = dir.resolve("producer.yaml");
        Files.writeString(config, """
                cluster: training
                # no host: its default (this machine's name) is what etc/promote.yaml runs, so its class is trained
                kafka:
                  bootstrapServers: %s
                repmgr:
                  config: %s
                promote:
                  command: [/bin/true]
                publish:
                  deadline: %s
                verify:
                  timeout: 0s
                spool:
                  dir: %s
                """.formatted(bootstrap, repmgr, publishDeadline, dir.resolve("spool")));
        return config;
    }
}
