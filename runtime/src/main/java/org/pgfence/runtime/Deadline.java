package org.pgfence.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A point in time by which something must be done, read from an injected {@link Clock}.
 * A command makes one overall deadline; each step takes a {@link #slice(Duration)} of it, so no step
 * can outlive the whole.
 */
public final class Deadline {
    private final Clock clock;
    private final Instant end;

    private Deadline(Clock clock, Instant end) {
        this.clock = clock;
        this.end = end;
    }

    /** A deadline {@code budget} from now. */
    public static Deadline after(Clock clock, Duration budget) {
        if (budget.isNegative()) {
            throw new IllegalArgumentException("Invalid deadline budget " + budget + ": must be >= 0");
        }
        return new Deadline(clock, clock.instant().plus(budget));
    }

    /** A deadline at most {@code budget} from now, and never later than this one. */
    public Deadline slice(Duration budget) {
        Instant candidate = clock.instant().plus(budget.isNegative() ? Duration.ZERO : budget);
        return new Deadline(clock, candidate.isBefore(end) ? candidate : end);
    }

    /** Time left, never negative. */
    public Duration remaining() {
        Duration left = Duration.between(clock.instant(), end);
        return left.isNegative() ? Duration.ZERO : left;
    }

    public long remainingMillis() {
        return remaining().toMillis();
    }

    public boolean expired() {
        return !clock.instant().isBefore(end);
    }

    public Instant end() {
        return end;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "deadline in " + remainingMillis() + "ms";
    }
}
