package org.pgfence.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.producer.spool.Spool;

class PromoteCommandTest {
    @TempDir
    Path dir;

    @Test
    void failedPromotionReturnsItsOwnExitCodeAndPublishesNothing() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/sh", "-c", "exit 3"));
        assertThat(f.run(new PromoteCommand(Map.of()), "--config", f.config.toString())).isEqualTo(3);
        assertThat(new Spool(f.spool).hasPending()).isFalse();
    }

    @Test
    void timedOutPromotionExits124() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/sh", "-c", "sleep 30"));
        Files.writeString(f.config, Files.readString(f.config).replace("timeout: 10s", "timeout: 1s"));
        assertThat(f.run(new PromoteCommand(Map.of()), "--config", f.config.toString())).isEqualTo(124);
    }

    @Test
    void successfulPromotionExitsZeroWithinTheDeadlineThoughDatabaseAndKafkaAreDown() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        long start = System.nanoTime();
        assertThat(f.run(new PromoteCommand(Map.of()), "--config", f.config.toString())).isZero();
        // publish 1s + promote (instant) + verify 1s, plus pgjdbc's whole-second connect timeout granularity
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(new Spool(f.spool).hasPending()).isFalse();
    }

    @Test
    void spooledEventIsKeptWhenKafkaIsDownAndThePromotionStillRuns() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/sh", "-c", "touch " + dir.resolve("ran")));
        new Spool(f.spool).write(Events.promoted(Instant.parse("2026-11-25T20:00:00Z"), 2));
        long start = System.nanoTime();
        assertThat(f.run(new PromoteCommand(Map.of()), "--config", f.config.toString())).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(dir.resolve("ran")).exists();
        assertThat(new Spool(f.spool).pending()).hasSize(1);
    }

    @Test
    void invalidConfigIsAConfigExceptionAndNoPromotion() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/sh", "-c", "touch " + dir.resolve("ran")));
        Files.writeString(f.config, Files.readString(f.config).replace("cluster: lab", "clustr: lab"));
        int rc = new picocli.CommandLine(new PromoteCommand(Map.of()))
                .setExecutionExceptionHandler((e, cl, pr) -> e instanceof org.pgfence.process.ConfigException ? 3 : 70)
                .execute("--config", f.config.toString());
        assertThat(rc).isEqualTo(3);
        assertThat(dir.resolve("ran")).doesNotExist();
    }
}
