package org.pgfence.producer.failure;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.function.Predicate;
import org.pgfence.runtime.Deadline;
import org.pgfence.runtime.Failure;

/**
 * Resilience4j {@link Retry}s bounded by a {@link Deadline} instead of an attempt count: capped
 * exponential backoff with jitter, retrying only what {@link Failure} calls retriable, and never
 * waiting past the deadline. One named instance per backend (e.g. {@code postgres-local}).
 */
public final class Retries {
    static final Duration INITIAL = Duration.ofMillis(100);
    static final Duration CAP = Duration.ofSeconds(1);
    static final double MULTIPLIER = 2.0;
    static final double JITTER = 0.5;

    private Retries() {
    }

    /**
     * A retry for {@code backend} that repeats a call while it fails retriably or its result matches
     * {@code retryOnResult}, until {@code deadline}. After the deadline the last outcome stands.
     */
    public static <T> Retry untilDeadline(String backend, Deadline deadline, Predicate<T> retryOnResult) {
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(INITIAL, MULTIPLIER, JITTER, CAP);
        IntervalBiFunction<T> bounded = (attempt, outcome) ->
                Math.min(backoff.apply(attempt), deadline.remainingMillis());
        RetryConfig config = RetryConfig.<T>custom()
                .maxAttempts(Integer.MAX_VALUE)
                .intervalBiFunction(bounded)
                .retryOnException(t -> Failure.retriable(t) && !deadline.expired())
                .retryOnResult(result -> retryOnResult.test(result) && !deadline.expired())
                .failAfterMaxAttempts(false)
                .writableStackTraceEnabled(false)
                .build();
        return Retry.of(backend, config);
    }
}
