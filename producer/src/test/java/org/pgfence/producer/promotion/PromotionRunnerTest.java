package org.pgfence.producer.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgfence.producer.Deadline;

class PromotionRunnerTest {
    final PromotionRunner runner = new PromotionRunner();

    Deadline seconds(int s) {
        return Deadline.after(Clock.systemUTC(), Duration.ofSeconds(s));
    }

    @Test
    void exitCodeIsPassedThrough() {
        assertThat(runner.run(List.of("/bin/sh", "-c", "exit 3"), seconds(10))).isEqualTo(3);
        assertThat(runner.run(List.of("/bin/true"), seconds(10))).isZero();
    }

    @Test
    void commandOutlivingItsDeadlineIsKilledWith124() {
        long start = System.nanoTime();
        assertThat(runner.run(List.of("/bin/sh", "-c", "sleep 30"), Deadline.after(Clock.systemUTC(),
                Duration.ofMillis(500)))).isEqualTo(PromotionRunner.TIMED_OUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void missingProgramIs127() {
        assertThat(runner.run(List.of("/nonexistent/repmgr", "standby", "promote"), seconds(5)))
                .isEqualTo(PromotionRunner.NOT_STARTED);
    }
}
