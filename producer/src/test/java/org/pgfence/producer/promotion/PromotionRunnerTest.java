package org.pgfence.producer.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    @Test
    void missingProgramIs127() {
        assertThat(runner.run(List.of("/nonexistent/repmgr", "standby", "promote"), Duration.ofSeconds(5)))
                .isEqualTo(PromotionRunner.NOT_STARTED);
    }
}
