package org.pgfence.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.retry.Retry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetriesTest {

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
