package org.pgfence.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.retry.Retry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The two retry shapes: attempts for the agent and the auditor, a deadline for the promoter. */
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

    @Test
    void aDeadlineRetryRepeatsAnEmptyResultUntilTheDeadlineThenLetsTheLastOutcomeStand() {
        Deadline deadline = Deadline.after(Clock.systemUTC(), Duration.ofMillis(400));
        Retry retry = Retries.<Optional<String>>untilDeadline("postgres-local", deadline, Optional::isEmpty);
        AtomicInteger calls = new AtomicInteger();
        Optional<String> last = retry.executeSupplier(() -> {
            calls.incrementAndGet();
            return Optional.empty();
        });
        assertThat(last).isEmpty();
        assertThat(calls.get()).isGreaterThan(1);
        assertThat(deadline.expired()).isTrue();
    }

    @Test
    void aDeadlineRetryStopsAtOnceOnAFatalFailureAndAtTheFirstGoodResult() {
        Deadline deadline = Deadline.after(Clock.systemUTC(), Duration.ofSeconds(30));
        Retry retry = Retries.<Optional<String>>untilDeadline("postgres-local", deadline, Optional::isEmpty);
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.executeCallable(() -> {
            calls.incrementAndGet();
            throw new SQLException("auth", "28P01");
        })).isInstanceOf(SQLException.class);
        assertThat(calls).hasValue(1);
        calls.set(0);
        Optional<String> found = retry.executeSupplier(() -> calls.incrementAndGet() < 3 ? Optional.empty()
                : Optional.of("primary"));
        assertThat(found).contains("primary");
        assertThat(calls).hasValue(3);
        assertThat(deadline.expired()).isFalse();
    }
}
