package org.pgfence.lab.it.promote;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.pgfence.lab.kafka.KafkaProcess;

/**
 * A Kafka broker of this test class alone, in its own JVM ({@link KafkaProcess}), so a test can stop it and
 * bring it back at the same address with the same data (the JVM's shared embedded broker cannot be stopped).
 */
final class OwnBroker implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(120);
    private final Path dir;
    private final String host;
    private final int port;
    private final Path dist;

    private OwnBroker(Path dir, String host, int port, Path dist) {
        this.dir = dir;
        this.host = host;
        this.port = port;
        this.dist = dist;
    }

    /** A broker to be, on a free port of {@code host}; {@link #start()} runs it. */
    static OwnBroker on(String host) throws IOException {
        String dist = System.getProperty("pgfence.dist");
        if (dist == null) {
            throw new IllegalStateException("-Dpgfence.dist is not set (failsafe sets it to the built distribution)");
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 1);
            return new OwnBroker(Files.createTempDirectory("pgfence-promote-it-kafka"), host, s.getLocalPort(), Path.of(dist));
        }
    }

    String bootstrap() {
        return host + ":" + port;
    }

    /** Starts (or restarts, same port and data) the broker; returns once it serves. */
    void start() throws IOException, InterruptedException {
        KafkaProcess.start(dir, host, port, dist, START);
    }

    /** SIGTERM through its pid file, and waits until it is gone. */
    void stop() throws Exception {
        Path pidFile = KafkaProcess.pidFile(dir);
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle broker = ProcessHandle.of(pid).orElse(null);
        if (broker != null && broker.isAlive()) {
            broker.destroy();
            if (broker.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).get() == null) {
                broker.destroyForcibly();
            }
        }
        Files.deleteIfExists(pidFile);
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
