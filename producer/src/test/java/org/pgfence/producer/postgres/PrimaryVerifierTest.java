package org.pgfence.producer.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.pgfence.events.Epoch;
import org.pgfence.runtime.Deadline;

/** The retry logic around a probe; the probe against a real PostgreSQL is covered by the lab ITs. */
class PrimaryVerifierTest {
    static final LocalPrimary PRIMARY = new LocalPrimary(new Epoch(2, "744"), List.of());
    final Clock clock = Clock.systemUTC();

    @Test
    void waitsWhileInRecoveryThenReturnsThePrimary() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        PrimaryVerifier v = new PrimaryVerifier(d -> calls.incrementAndGet() < 3 ? Optional.empty() : Optional.of(PRIMARY));
        assertThat(v.verify(Deadline.after(clock, Duration.ofSeconds(5)))).isEqualTo(PRIMARY);
        assertThat(calls).hasValue(3);
    }

    @Test
    void retriesConnectionFailures() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        PrimaryVerifier v = new PrimaryVerifier(d -> {
            if (calls.incrementAndGet() == 1) {
                throw new SQLException("Connection refused", "08001");
            }
            return Optional.of(PRIMARY);
        });
        assertThat(v.verify(Deadline.after(clock, Duration.ofSeconds(5)))).isEqualTo(PRIMARY);
        assertThat(calls).hasValue(2);
    }

    @Test
    void authFailureIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        PrimaryVerifier v = new PrimaryVerifier(d -> {
            calls.incrementAndGet();
            throw new SQLException("password authentication failed", "28P01");
        });
        assertThatThrownBy(() -> v.verify(Deadline.after(clock, Duration.ofSeconds(5))))
                .isInstanceOf(VerificationException.class).hasMessageContaining("FATAL")
                .hasMessageContaining("1 attempt(s)");
        assertThat(calls).hasValue(1);
    }

    @Test
    void givesUpAtTheDeadlineWithStateInTheMessage() {
        PrimaryVerifier v = new PrimaryVerifier(d -> Optional.empty());
        long start = System.nanoTime();
        assertThatThrownBy(() -> v.verify(Deadline.after(clock, Duration.ofMillis(600))))
                .isInstanceOf(VerificationException.class).hasMessageContaining("still in recovery")
                .hasMessageMatching("(?s).*after \\d+ms and \\d+ attempt\\(s\\).*");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500),
                Duration.ofMillis(2000));
    }

    @Test
    void unreachableNodeGivesUpAtTheDeadline() {
        PrimaryVerifier v = new PrimaryVerifier(d -> {
            throw new SQLException("Connection refused", "08001");
        });
        long start = System.nanoTime();
        assertThatThrownBy(() -> v.verify(Deadline.after(clock, Duration.ofMillis(400))))
                .isInstanceOf(VerificationException.class).hasMessageContaining("RETRIABLE")
                .hasMessageContaining("Connection refused");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
    }
}
