package org.pgfence.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void backoffDoublesUpToTheCapAndStartsAgainAfterAReset() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(250));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(100));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(200));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(250));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(250));
        b.reset();
        assertThat(b.next()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aCountKeptElsewhereGetsTheSameDelays() {
        assertThat(Backoff.after(1, Duration.ofSeconds(2), Duration.ofSeconds(60))).hasSeconds(2);
        assertThat(Backoff.after(3, Duration.ofSeconds(2), Duration.ofSeconds(60))).hasSeconds(8);
        assertThat(Backoff.after(9, Duration.ofSeconds(2), Duration.ofSeconds(60))).hasSeconds(60);
        assertThat(Backoff.after(0, Duration.ofSeconds(2), Duration.ofSeconds(60))).as("no failure yet").hasSeconds(2);
    }

    @Test
    void aCapBelowTheFirstDelayIsTheFirstDelay() {
        assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofMillis(10)).next()).hasSeconds(1);
    }
}
