package org.pgfence.consumer.agent;

import java.time.Duration;

/**
 * Capped doubling delay: {@code first}, 2x, 4x ... never above {@code cap}; {@link #reset()} on success.
 * Used for re-checking a fenced-closed cluster and for retrying an ack Kafka did not take.
 */
public final class Backoff {
    private final Duration first;
    private final Duration cap;
    private Duration next;

    public Backoff(Duration first, Duration cap) {
        this.first = first;
        this.cap = cap.compareTo(first) < 0 ? first : cap;
        this.next = first;
    }

    /** The delay to wait now; the following call returns twice as much, up to the cap. */
    public Duration next() {
        Duration now = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(cap) > 0 ? cap : doubled;
        return now;
    }

    public void reset() {
        next = first;
    }
}
