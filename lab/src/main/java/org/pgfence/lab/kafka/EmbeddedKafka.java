package org.pgfence.lab.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;

/**
 * A single-node KRaft Kafka broker (combined broker + controller) from the official jars, in this JVM.
 * The only class that touches the broker's internal APIs (they move between releases: facts/kafka.md §6.5).
 * Settings follow facts/kafka.md §2: every internal topic at replication factor 1, no initial rebalance
 * delay, a small log-cleaner buffer.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final Path dir;
    private final String bootstrap;
    private final KafkaRaftServer server;
    private final boolean deleteOnClose;

    private EmbeddedKafka(Path dir, String bootstrap, KafkaRaftServer server, boolean deleteOnClose) {
        this.dir = dir;
        this.bootstrap = bootstrap;
        this.server = server;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * Formats {@code dir} if it holds no broker data yet, then starts a broker on {@code host:port}
     * ({@code port} 0 = a free one). Returns once the broker serves requests.
     */
    public static EmbeddedKafka start(Path dir, String host, int port, boolean deleteOnClose) throws IOException {
        BrokerLogLevels.apply();
        Exit.setHaltProcedure((code, message) -> {
            throw new IllegalStateException("broker halt " + code + ": " + message);
        });
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("broker exit " + code + ": " + message);
        });
        Files.createDirectories(dir);
        int brokerPort = port == 0 ? freePort(host) : port;
        int controllerPort = freePort(host);
        Properties p = properties(dir, host, brokerPort, controllerPort);
        Path propsFile = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(propsFile)) {
            p.store(w, "pgfence embedded broker");
        }
        if (!Files.exists(dir.resolve("data/meta.properties"))) {
            int rc = StorageTool.execute(new String[] {"format", "-t", clusterId(), "-c", propsFile.toString()},
                    new PrintStream(OutputStream.nullOutputStream()));
            if (rc != 0) {
                throw new IOException("kafka storage format failed with " + rc + " in " + dir);
            }
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
        server.startup();
        return new EmbeddedKafka(dir, host + ":" + brokerPort, server, deleteOnClose);
    }

    static Properties properties(Path dir, String host, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        return p;
    }

    /**
     * A 22-character base64url cluster id, made here (never captured from a tool's stdout: facts §6.3).
     * Never one starting with '-' (1 in 64 would): kafka-storage's argument parser reads it as an option
     * and fails with "argument --cluster-id/-t: expected one argument" (seen in an agent IT run).
     */
    static String clusterId() {
        while (true) {
            UUID u = UUID.randomUUID();
            ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
            if (id.charAt(0) != '-') {
                return id;
            }
        }
    }

    static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 1);
            return s.getLocalPort();
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            Exit.resetHaltProcedure();
            Exit.resetExitProcedure();
            if (deleteOnClose) {
                deleteTree(dir);
            }
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover temp dir is harmless
        }
    }
}
