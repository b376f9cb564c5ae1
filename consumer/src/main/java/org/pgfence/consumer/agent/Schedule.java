package org.pgfence.consumer.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.pgfence.runtime.Backoff;

/**
 * When the loop next reconciles each cluster and next heartbeats. A routed cluster is re-checked every
 * {@code reconcileInterval}; a fenced-closed one with a backoff of 1s, 2s, 4s ... capped by that interval,
 * so it re-opens as soon as a primary is verified.
 */
final class Schedule {
    private final Clock clock;
    private final Duration interval;
    private final Duration heartbeat;
    private final Map<String, Instant> due = new TreeMap<>();
    private final Map<String, Backoff> backoffs = new TreeMap<>();
    private Instant heartbeatDue;

    Schedule(Clock clock, Duration interval, Duration heartbeat) {
        this.clock = clock;
        this.interval = interval;
        this.heartbeat = heartbeat;
        this.heartbeatDue = clock.instant();
    }

    void reconciled(String cluster, boolean fencedClosed) {
        Backoff b = backoffs.computeIfAbsent(cluster, c -> new Backoff(Duration.ofSeconds(1), interval));
        if (fencedClosed) {
            due.put(cluster, clock.instant().plus(b.next()));
        } else {
            b.reset();
            due.put(cluster, clock.instant().plus(interval));
        }
    }

    /** Every cluster is due now (a reconcile was requested); backoffs are kept. */
    void allDue() {
        due.clear();
    }

    /** {@code cluster} is due now (an operator paused or resumed it); its backoff is kept. */
    void dueNow(String cluster) {
        due.remove(cluster);
    }

    /** {@code cluster} is due at {@code at} at the latest (a held pause expires then). */
    void dueBy(String cluster, Instant at) {
        due.merge(cluster, at, (a, b) -> a.isBefore(b) ? a : b);
    }

    boolean isDue(String cluster) {
        Instant at = due.get(cluster);
        return at == null || !clock.instant().isBefore(at);
    }

    boolean heartbeatDue() {
        return !clock.instant().isBefore(heartbeatDue);
    }

    /** The next round heartbeats: what the host routes changed, and the auditor confirms a completion on it. */
    void heartbeatSoon() {
        heartbeatDue = clock.instant();
    }

    void heartbeatSent() {
        heartbeatDue = clock.instant().plus(heartbeat);
    }

    /** How long the loop may block in poll before something is due (at most {@code max}). */
    Duration untilNext(Duration max) {
        Instant now = clock.instant();
        Instant next = heartbeatDue;
        for (Instant at : due.values()) {
            next = at.isBefore(next) ? at : next;
        }
        Duration d = Duration.between(now, next);
        return d.isNegative() ? Duration.ZERO : (d.compareTo(max) > 0 ? max : d);
    }
}
