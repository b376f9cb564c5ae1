package org.pgfence.consumer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.pgfence.events.testing.MutableClock;

class ScheduleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T20:00:00Z"));
    private final Schedule schedule = new Schedule(clock, Duration.ofSeconds(30), Duration.ofSeconds(5));

    @Test
    void everyClusterIsDueOnStartAndThenEveryInterval() {
        assertThat(schedule.isDue("main")).isTrue();
        schedule.reconciled("main", false);
        assertThat(schedule.isDue("main")).isFalse();
        clock.advance(Duration.ofSeconds(29));
        assertThat(schedule.isDue("main")).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(schedule.isDue("main")).isTrue();
    }

    @Test
    void aRequestedReconcileMakesEveryClusterDueAtOnce() {
        schedule.reconciled("main", false);
        schedule.reconciled("other", false);
        clock.advance(Duration.ofSeconds(1));
        schedule.allDue();
        assertThat(schedule.isDue("main")).isTrue();
        assertThat(schedule.isDue("other")).isTrue();
        assertThat(schedule.untilNext(Duration.ofMillis(500))).isZero();
    }

    @Test
    void fencedClosedClustersAreRecheckedWithCappedBackoffAndResetOnceRouted() {
        long[] waits = new long[7];
        for (int i = 0; i < waits.length; i++) {
            schedule.reconciled("main", true);
            Duration until = Duration.ZERO;
            while (!schedule.isDue("main")) {
                clock.advance(Duration.ofMillis(500));
                until = until.plusMillis(500);
            }
            waits[i] = until.toSeconds();
        }
        assertThat(waits).containsExactly(1, 2, 4, 8, 16, 30, 30);
        schedule.reconciled("main", false);
        schedule.reconciled("main", true);
        clock.advance(Duration.ofSeconds(1));
        assertThat(schedule.isDue("main")).as("backoff restarts at 1s after a routed reconcile").isTrue();
    }

    @Test
    void heartbeatIsDueOnStartThenEveryHeartbeatInterval() {
        assertThat(schedule.heartbeatDue()).isTrue();
        schedule.heartbeatSent();
        assertThat(schedule.heartbeatDue()).isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThat(schedule.heartbeatDue()).isTrue();
    }

    @Test
    void pollWaitsOnlyUntilTheNextDueThing() {
        schedule.heartbeatSent();
        schedule.reconciled("main", true);
        assertThat(schedule.untilNext(Duration.ofMillis(500))).isEqualTo(Duration.ofMillis(500));
        clock.advance(Duration.ofMillis(800));
        assertThat(schedule.untilNext(Duration.ofMillis(500))).isEqualTo(Duration.ofMillis(200));
        clock.advance(Duration.ofSeconds(10));
        assertThat(schedule.untilNext(Duration.ofMillis(500))).isEqualTo(Duration.ZERO);
    }
}
