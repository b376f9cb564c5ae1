package org.pgfence.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.pgfence.events.testing.MutableClock;

class DeadlineTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T20:00:00Z"));

    @Test
    void remainingShrinksWithTheClockAndNeverGoesNegative() {
        Deadline d = Deadline.after(clock, Duration.ofSeconds(5));
        assertThat(d.remaining()).isEqualTo(Duration.ofSeconds(5));
        clock.advance(Duration.ofMillis(1500));
        assertThat(d.remainingMillis()).isEqualTo(3500);
        assertThat(d.expired()).isFalse();
        clock.advance(Duration.ofSeconds(4));
        assertThat(d.remaining()).isEqualTo(Duration.ZERO);
        assertThat(d.expired()).isTrue();
    }

    @Test
    void aSliceNeverOutlivesItsParent() {
        Deadline overall = Deadline.after(clock, Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(8));
        Deadline step = overall.slice(Duration.ofSeconds(5));
        assertThat(step.remaining()).isEqualTo(Duration.ofSeconds(2));
        assertThat(step.end()).isEqualTo(overall.end());
    }

    @Test
    void aShortSliceEndsBeforeItsParent() {
        Deadline overall = Deadline.after(clock, Duration.ofSeconds(10));
        Deadline step = overall.slice(Duration.ofSeconds(3));
        assertThat(step.remaining()).isEqualTo(Duration.ofSeconds(3));
        clock.advance(Duration.ofSeconds(3));
        assertThat(step.expired()).isTrue();
        assertThat(overall.remaining()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void expiredParentGivesExpiredSlices() {
        Deadline overall = Deadline.after(clock, Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(2));
        assertThat(overall.slice(Duration.ofSeconds(5)).expired()).isTrue();
    }

    @Test
    void negativeBudgetIsRejected() {
        assertThatThrownBy(() -> Deadline.after(clock, Duration.ofSeconds(-1)))
                .hasMessageContaining("must be >= 0");
    }
}
