package org.pgfence.producer.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromotionRunnerTest {
    final PromotionRunner runner = new PromotionRunner();

    @Test
    void exitCodeIsPassedThrough() {
        assertThat(runner.run(List.of("/bin/sh", "-c", "exit 3"), Duration.ofSeconds(10))).isEqualTo(3);
        assertThat(runner.run(List.of("/bin/true"), Duration.ofSeconds(10))).isZero();
    }

    @Test
    void aCommandOutlivingItsWarningIsWaitedForNotKilled(@TempDir Path dir) {
        Path done = dir.resolve("done");
        assertThat(runner.run(List.of("/bin/sh", "-c", "sleep 1.5; touch " + done + "; exit 5"),
                Duration.ofMillis(200))).isEqualTo(5);
        assertThat(done).as("it ran to its end").exists();
    }

    /**
     * promote may be busy (a spool flush waiting out a Kafka that is down) when the promotion returns; the event's
     * occurredAt is when the command returned, not when promote got round to it.
     */
    @Test
    void aReturnIsDatedWhenTheCommandEndedNotWhenItWasAwaited() throws Exception {
        PromotionRunner.Started started = runner.start(List.of("/bin/true"));
        started.ended().get(10, TimeUnit.SECONDS);
        Instant exited = Instant.now();
        Thread.sleep(300); // promote busy with something else meanwhile: the scenario itself, not a wait
        assertThat(runner.await(started, Duration.ofSeconds(5))).isZero();
        Instant returned = started.returnedAt(Clock.systemUTC());
        assertThat(returned).isBefore(exited.plusMillis(150)).isAfter(exited.minusSeconds(5));
    }

    @Test
    void missingProgramIs127() {
        assertThat(runner.run(List.of("/nonexistent/repmgr", "standby", "promote"), Duration.ofSeconds(5)))
                .isEqualTo(PromotionRunner.NOT_STARTED);
    }
}
