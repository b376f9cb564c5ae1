package org.pgfence.lab.drill;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabNode;
import org.pgfence.process.Threads;

/**
 * What a deployment's timer does on every PostgreSQL node ({@code deploy/systemd/pgfence-spool-flush.timer}):
 * run {@code pgfence spool flush} as postgres, here only when the node's spool holds an event. Without it an
 * event spooled by {@code promote}/{@code notify} (Kafka down, or slower than {@code publish.deadline}) waits
 * for the next promotion on that same node, and the auditor never learns of the promotion.
 */
final class DrillSpoolFlusher implements AutoCloseable {
    private static final Duration EVERY = Duration.ofSeconds(2);
    private final Lab lab;
    private final DrillConfigs configs;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    DrillSpoolFlusher(Lab lab, DrillConfigs configs) {
        this.lab = lab;
        this.configs = configs;
        this.thread = Threads.start("drill-spool-flusher", this::loop);
    }

    private void loop() {
        try {
            while (!stop.await(EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
                for (LabNode n : lab.nodes()) {
                    if (spooled(configs.spoolDir(n.id()))) {
                        flush(n);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean spooled(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".json"));
        } catch (IOException e) {
            return false;
        }
    }

    private void flush(LabNode n) throws InterruptedException {
        Path log = lab.dir().resolve("logs").resolve("spool-flush-" + n.name() + ".log");
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(List.of("runuser", "-u", "postgres", "--", lab.pgfenceCommand().toString(),
                    "spool", "flush", "--config", configs.promoteConfig(n.id()).toString())).directory(new File("/"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // the next round tries again, as a timer would
        }
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(65));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
