package org.pgfence.runtime;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * Capped doubling delay: {@code first}, 2x, 4x ... never above {@code cap} (Resilience4j's exponential
 * {@link IntervalFunction}, without jitter). As an object it counts the failures itself ({@link #next()}, {@link
 * #reset()} on success): the agent's re-checks of a fenced-closed cluster, its acks Kafka did not take, the auditor's
 * consumer. {@link #after(int, Duration, Duration)} is the same delay for a count kept elsewhere (the auditor's
 * repair attempts, counted in its store).
 */
public final class Backoff {
    private final IntervalFunction delays;
    private int failures;

    public Backoff(Duration first, Duration cap) {
        this.delays = doubling(first, cap);
    }

    /** The delay to wait now; the following call returns twice as much, up to the cap. */
    public Duration next() {
        failures++;
        return Duration.ofMillis(delays.apply(failures));
    }

    public void reset() {
        failures = 0;
    }

    /** The delay after the {@code failures}-th failure (1 = {@code first}), up to {@code cap}. */
    public static Duration after(int failures, Duration first, Duration cap) {
        return Duration.ofMillis(doubling(first, cap).apply(Math.max(1, failures)));
    }

    private static IntervalFunction doubling(Duration first, Duration cap) {
        Duration max = cap.compareTo(first) < 0 ? first : cap;
        return IntervalFunction.ofExponentialBackoff(first, 2.0, max);
    }
}
