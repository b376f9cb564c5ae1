package org.pgfence.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.events.testing.MutableClock;
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

    /**
     * DESIGN rule 8: promote never fails a good promotion, not even on an Error of its own JVM after it (as a class
     * that failed to initialise: JDK 17's locale-cache race poisoned Jackson in an agent, and promote serialises its
     * event with the same Jackson). Simulated by a clock that throws such an Error once the promotion has run: before,
     * the Error left promote (a JVM exiting 1, which repmgrd reads as a failed promotion).
     */
    @Test
    void anErrorAfterAGoodPromotionStillExitsWithThePromotionsCode() throws Exception {
        Path marker = dir.resolve("promoted");
        CommandFixture f = new CommandFixture(dir, List.of("/usr/bin/touch", marker.toString()));
        Clock failingOnceThePromotionRan = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                if (Files.exists(marker)) {
                    throw new ExceptionInInitializerError("simulated: a class failed to initialise");
                }
                return Instant.now();
            }
        };
        assertThat(f.run(new PromoteCommand(Map.of(), failingOnceThePromotionRan), "--config", f.config.toString()))
                .isZero();
        assertThat(marker).as("the promotion ran").exists();
    }

    @Test
    void aPromotionSlowerThanItsTimeoutIsWaitedForNeverKilled() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/sh", "-c", "sleep 2; touch " + dir.resolve("done")
                + "; exit 0"));
        Files.writeString(f.config, Files.readString(f.config).replace("timeout: 10s", "timeout: 1s"));
        assertThat(f.run(new PromoteCommand(Map.of()), "--config", f.config.toString())).isZero();
        assertThat(dir.resolve("done")).as("the promotion ran to its end").exists();
    }

    /**
     * promote.pause asks for nothing it cannot ask for quickly: here repmgr.conf's data_directory holds no standby, so
     * no intent is sent, and with Kafka down an intent could not be either; the promotion runs and is not slowed.
     */
    @Test
    void aPauseThatCannotBeAskedForNeverStopsOrSlowsThePromotion() throws Exception {
        Path marker = dir.resolve("promoted");
        CommandFixture f = new CommandFixture(dir, List.of("/usr/bin/touch", marker.toString()));
        Files.writeString(f.config, Files.readString(f.config).replace("  timeout: 10s", "  timeout: 10s\n  pause: 20s"));
        long start = System.nanoTime();
        assertThat(f.run(new PromoteCommand(Map.of()), "--config", f.config.toString())).isZero();
        assertThat(marker).as("the promotion ran").exists();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    /**
     * A standby whose intent cannot reach Kafka: the promotion waits for the intent's publish only within the publish
     * deadline (1 s here) it already grants the spool flush before it, then runs.
     */
    @Test
    void aPauseWhoseIntentKafkaDoesNotTakeHoldsThePromotionAtMostThePublishDeadline() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("global"));
        Files.createDirectories(data.resolve("pg_wal"));
        Files.write(data.resolve("global/pg_control"), java.nio.ByteBuffer.allocate(296)
                .order(java.nio.ByteOrder.nativeOrder()).putLong(7_300_000_000_000_000_001L).putInt(1300).array());
        Files.createFile(data.resolve("standby.signal"));
        Files.createFile(data.resolve("pg_wal/000000020000000000000005"));
        Path marker = dir.resolve("promoted");
        CommandFixture f = new CommandFixture(dir, List.of("/usr/bin/touch", marker.toString()));
        Path repmgrConf = dir.resolve("repmgr.conf");
        Files.writeString(repmgrConf, Files.readString(repmgrConf).replace("/tmp/lab/node2/data", data.toString()));
        Files.writeString(f.config, Files.readString(f.config).replace("  timeout: 10s", "  timeout: 10s\n  pause: 20s"));
        long start = System.nanoTime();
        assertThat(f.run(new PromoteCommand(Map.of()), "--config", f.config.toString())).isZero();
        assertThat(marker).as("the promotion ran").exists();
        // 1 s before the promotion, 1 s publish + 1 s verify after it, and the clients' construction
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
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

    /**
     * DESIGN rule 8: without promote.pause, the promotion is the first thing promote starts. An older event in the
     * spool is flushed while the promotion runs, so Kafka being down (the flush waits out publish.deadline, 1 s here)
     * does not delay the promotion; the event stays spooled, behind nothing newer.
     */
    @Test
    void aSpooledEventKafkaDoesNotTakeDoesNotDelayThePromotion() throws Exception {
        Path started = dir.resolve("started");
        CommandFixture f = new CommandFixture(dir, List.of("/bin/sh", "-c", "date +%s%3N > " + started));
        new Spool(f.spool).write(Events.promoted(Instant.parse("2026-11-25T20:00:00Z"), 2));
        long launched = System.currentTimeMillis();
        assertThat(f.run(new PromoteCommand(Map.of()), "--config", f.config.toString())).isZero();
        long delay = Long.parseLong(Files.readString(started).trim()) - launched;
        assertThat(delay).as("ms from promote's start to the promotion's").isLessThan(700);
        assertThat(new Spool(f.spool).pending()).hasSize(1);
    }

    /** A clock that fails: an unexpected error inside promote's own code, after its config loaded. */
    private static Clock broken() {
        MutableClock clock = new MutableClock(Instant.EPOCH);
        clock.failWith(new IllegalStateException("clock broken"));
        return clock;
    }

    /** DESIGN rule 8: nothing of promote's own decides the outcome; the promotion's exit code stands. */
    @Test
    void anUnexpectedErrorAfterThePromotionStartedIsWaitedOutAndItsExitCodeStands() throws Exception {
        Path ran = dir.resolve("ran");
        CommandFixture f = new CommandFixture(dir,
                List.of("/bin/sh", "-c", "sleep 0.2; touch " + ran + "; exit 7"));
        assertThat(f.run(new PromoteCommand(Map.of(), broken()), "--config", f.config.toString())).isEqualTo(7);
        assertThat(ran).as("the promotion ran to its end").exists();
    }

    /** The same before the promotion started (promote.pause: the intent first): the promotion still runs. */
    @Test
    void anUnexpectedErrorBeforeThePromotionStillRunsIt() throws Exception {
        Path ran = dir.resolve("ran");
        CommandFixture f = new CommandFixture(dir, List.of("/bin/sh", "-c", "touch " + ran + "; exit 7"));
        Files.writeString(f.config, Files.readString(f.config)
                .replace("  timeout: 10s", "  timeout: 10s\n  pause: 20s"));
        assertThat(f.run(new PromoteCommand(Map.of(), broken()), "--config", f.config.toString())).isEqualTo(7);
        assertThat(ran).as("the promotion ran").exists();
    }

    @Test
    void anInvalidConfigStillRunsThePromotionItNamesAndReturnsItsExitCode() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/sh", "-c", "touch " + dir.resolve("ran") + "; exit 4"));
        Files.writeString(f.config, Files.readString(f.config).replace("cluster: lab", "clustr: lab"));
        assertThat(f.run(new PromoteCommand(Map.of()), "--config", f.config.toString())).isEqualTo(4);
        assertThat(dir.resolve("ran")).as("the failover is not blocked by the config").exists();
        assertThat(new Spool(f.spool).hasPending()).as("nothing announced from a config that did not load").isFalse();
    }

    @Test
    void aConfigThatIsNotEvenYamlFallsBackToRepmgrsOwnDefaultPromotion() throws Exception {
        Path broken = dir.resolve("promote.yaml");
        Files.writeString(broken, "cluster: [unclosed\n");
        assertThat(PromoterConfig.fallbackPromoteCommand(broken, Map.of())).containsExactly(
                PromoterConfig.DEFAULT_BINDIR.resolve("repmgr").toString(), "standby", "promote", "--log-to-file");
        assertThat(PromoterConfig.fallbackPromoteCommand(dir.resolve("absent.yaml"), Map.of())).hasSize(4);
    }

    @Test
    void aConfigWithOnlyItsRepmgrConfigValidStillPromotesWithIt() throws Exception {
        Path partial = dir.resolve("promote.yaml");
        Files.writeString(partial, "clustr: lab\nrepmgr: {config: /etc/repmgr/15/repmgr.conf}\n");
        assertThat(PromoterConfig.fallbackPromoteCommand(partial, Map.of())).containsExactly(
                PromoterConfig.DEFAULT_BINDIR.resolve("repmgr").toString(), "standby", "promote", "-f",
                "/etc/repmgr/15/repmgr.conf", "--log-to-file");
    }
}
