package org.pgfence.runtime;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * pgfence's retries, named per backend ({@code pgbouncer-admin}, {@code postgres-local}, {@code audit-store}): capped
 * exponential backoff with jitter, retrying only what {@link Failure} calls retriable unless told otherwise. Two
 * shapes: a number of attempts (the agent's console, the auditor's store at start), or a {@link Deadline} (the
 * promoter, which must never outlive its budget inside repmgrd's failover).
 */
public final class Retries {
    /** The agent's and {@code pgfence apply}'s pgbouncer admin console. */
    public static final String PGBOUNCER_ADMIN = "pgbouncer-admin";
    static final double MULTIPLIER = 2.0;
    static final double JITTER = 0.2;
    static final Duration DEADLINE_FIRST = Duration.ofMillis(100);
    static final Duration DEADLINE_CAP = Duration.ofSeconds(1);
    static final double DEADLINE_JITTER = 0.5;

    private Retries() {
    }

    /**
     * {@code attempts} tries in all, backoff from {@code first} doubling up to {@code cap}, 20% jitter, retrying what
     * {@link Failure#retriable} says; after the last attempt its failure is thrown.
     */
    public static Retry of(String name, int attempts, Duration first, Duration cap) {
        return of(name, attempts, first, cap, Failure::retriable);
    }

    /** As {@link #of(String, int, Duration, Duration)}, retrying the failures {@code retriable} accepts. */
    public static Retry of(String name, int attempts, Duration first, Duration cap, Predicate<Throwable> retriable) {
        return Retry.of(name, RetryConfig.custom()
                .maxAttempts(attempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(first, MULTIPLIER, JITTER, cap))
                .retryOnException(retriable)
                .failAfterMaxAttempts(true)
                .build());
    }

    /**
     * A retry for {@code backend} that repeats a call while it fails retriably or its result matches
     * {@code retryOnResult}, until {@code deadline} (backoff from 100 ms up to 1 s, 50% jitter, never waiting past
     * the deadline). After the deadline the last outcome stands.
     */
    public static <T> Retry untilDeadline(String backend, Deadline deadline, Predicate<T> retryOnResult) {
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(DEADLINE_FIRST, MULTIPLIER,
                DEADLINE_JITTER, DEADLINE_CAP);
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
