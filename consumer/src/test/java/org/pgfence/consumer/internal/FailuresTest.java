package org.pgfence.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void connectionTroubleIsRetriableAuthAndSyntaxAreNot() {
        assertThat(Failures.retriable(new SQLException("refused", "08001"))).isTrue();
        assertThat(Failures.retriable(new SQLException("admin shutdown", "57P01"))).isTrue();
        assertThat(Failures.retriable(new SQLException("too many", "53300"))).isTrue();
        assertThat(Failures.retriable(new IOException("reset"))).isTrue();
        assertThat(Failures.retriable(new SQLException("password authentication failed", "28P01"))).isFalse();
        assertThat(Failures.retriable(new SQLException("invalid command", "08P01"))).isTrue();
        assertThat(Failures.retriable(new SQLException("syntax", "42601"))).isFalse();
        assertThat(Failures.retriable(new IllegalStateException("bug"))).isFalse();
    }

    @Test
    void namedRetryIsBoundedAndSkipsFatalFailures() throws Exception {
        Retry retry = Retries.of(Retries.PGBOUNCER_ADMIN, 3, Duration.ofMillis(1), Duration.ofMillis(2));
        assertThat(retry.getName()).isEqualTo("pgbouncer-admin");
        AtomicInteger calls = new AtomicInteger();
        try {
            retry.executeCallable(() -> {
                calls.incrementAndGet();
                throw new SQLException("refused", "08001");
            });
        } catch (SQLException expected) {
            assertThat(expected.getSQLState()).isEqualTo("08001");
        }
        assertThat(calls).hasValue(3);
        calls.set(0);
        try {
            retry.executeCallable(() -> {
                calls.incrementAndGet();
                throw new SQLException("auth", "28P01");
            });
        } catch (SQLException expected) {
            assertThat(expected.getSQLState()).isEqualTo("28P01");
        }
        assertThat(calls).hasValue(1);
    }
}
