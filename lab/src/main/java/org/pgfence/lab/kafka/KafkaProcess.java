package org.pgfence.lab.kafka;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** Starts and stops {@link BrokerMain} in a child JVM with a bounded heap, tracked by a pid file. */
public final class KafkaProcess {
    public static final int DEFAULT_PORT = 9092;

    private KafkaProcess() {
    }

    /** Starts the broker and waits (at most {@code timeout}) until it serves; returns the bootstrap address. */
    public static String start(Path dir, String host, int port, Path distDir, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("ready"));
        List<String> argv = List.of(javaBin(), "-Xmx256m", "-XX:+UseSerialGC", "-cp", distDir + "/*",
                BrokerMain.class.getName(), dir.toString(), host, Integer.toString(port));
        Process p = new ProcessBuilder(argv).directory(new File("/")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.log").toFile()).start();
        Files.writeString(dir.resolve("broker.pid"), Long.toString(p.pid()));
        Instant end = Clock.systemUTC().instant().plus(timeout);
        String bootstrap;
        while ((bootstrap = ready(dir)).isEmpty()) {
            if (!p.isAlive()) {
                throw new IOException("the Kafka broker exited with " + p.exitValue() + "; see " + dir.resolve("broker.log"));
            }
            if (Clock.systemUTC().instant().isAfter(end)) {
                p.destroyForcibly();
                throw new IOException("the Kafka broker did not start within " + timeout.toSeconds() + " s; see "
                        + dir.resolve("broker.log"));
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        return bootstrap;
    }

    /** The bootstrap address the broker wrote once serving, or "" while it has not (or not completely). */
    private static String ready(Path dir) throws IOException {
        try {
            return Files.readString(dir.resolve("ready")).trim();
        } catch (java.nio.file.NoSuchFileException e) {
            return "";
        }
    }

    public static Path pidFile(Path dir) {
        return dir.resolve("broker.pid");
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
