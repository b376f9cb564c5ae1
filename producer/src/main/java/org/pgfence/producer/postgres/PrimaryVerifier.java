package org.pgfence.producer.postgres;

import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.pgfence.runtime.Deadline;
import org.pgfence.runtime.Failure;
import org.pgfence.runtime.Retries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, within a deadline, until the local node answers as a primary, and reads its epoch and metadata.
 * Retriable failures (connection refused, 08xxx) and "still in recovery" are retried with capped
 * exponential backoff; fatal ones (28xxx auth, missing repmgr schema) end at once.
 */
public final class PrimaryVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryVerifier.class);
    static final String BACKEND = "postgres-local";
    private final LocalProbe node;

    public PrimaryVerifier(LocalProbe node) {
        this.node = node;
    }

    public LocalPrimary verify(Deadline deadline) throws VerificationException {
        Instant start = deadline.clock().instant();
        AtomicInteger attempts = new AtomicInteger();
        Retry retry = Retries.<Optional<LocalPrimary>>untilDeadline(BACKEND, deadline, Optional::isEmpty);
        retry.getEventPublisher().onRetry(e -> LOG.debug("Local node not verified yet (attempt {}): {}",
                e.getNumberOfRetryAttempts(), e.getLastThrowable() == null ? "in recovery" : e.getLastThrowable()));
        Optional<LocalPrimary> result;
        try {
            result = Retry.decorateCheckedSupplier(retry, () -> {
                attempts.incrementAndGet();
                return node.probe(deadline);
            }).get();
        } catch (Throwable e) {
            throw failed(start, deadline, attempts.get(), Failure.of(e) + " " + e, e);
        }
        if (result.isEmpty()) {
            throw failed(start, deadline, attempts.get(), "still in recovery (pg_is_in_recovery() = true)", null);
        }
        return result.get();
    }

    private static VerificationException failed(Instant start, Deadline deadline, int attempts, String why,
                                                Throwable cause) {
        long ms = Duration.between(start, deadline.clock().instant()).toMillis();
        return new VerificationException("local node not verified as primary after " + ms + "ms and "
                + attempts + " attempt(s): " + why, cause);
    }
}
