package org.pgfence.consumer.internal;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import org.pgfence.runtime.Failure;

/** Named, bounded Resilience4j retries, one instance per backend, fed by {@link Failure#retriable}. */
public final class Retries {
    public static final String PGBOUNCER_ADMIN = "pgbouncer-admin";

    private Retries() {
    }

    /**
     * {@code attempts} tries in all, exponential backoff from {@code first} doubling, capped at
     * {@code cap}, with 20% jitter.
     */
    public static Retry of(String name, int attempts, Duration first, Duration cap) {
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(attempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(first, 2.0, 0.2, cap))
                .retryOnException(Failure::retriable)
                .failAfterMaxAttempts(true)
                .build();
        return Retry.of(name, config);
    }
}
