package org.pgfence.events.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand (shared with the other modules through the events test-jar). */
public final class MutableClock extends Clock {
    private Instant now;
    private RuntimeException failure;

    public MutableClock(Instant start) {
        this.now = start;
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    /** From now on reading the clock throws {@code e}: an unexpected error inside the code under test. */
    public void failWith(RuntimeException e) {
        failure = e;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        if (failure != null) {
            throw failure;
        }
        return now;
    }
}
