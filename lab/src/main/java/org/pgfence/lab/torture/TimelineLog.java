package org.pgfence.lab.torture;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.NodeState;
import org.pgfence.process.Threads;

/**
 * When each timeline first existed, as far as an observer can tell: every node is probed every {@value #POLL_MS} ms,
 * and a timeline counts from the end of the first probe that found a node writable on it. The invariant I1 checks
 * writes that began after that moment; a write in the (at most one poll long) gap before it is not judged, so the
 * checker never accuses a write the fencing could not have known about.
 */
final class TimelineLog implements AutoCloseable {
    static final long POLL_MS = 100;
    private final Map<Integer, Instant> firstSeen = new ConcurrentSkipListMap<>();
    private final Map<Integer, String> writer = new ConcurrentSkipListMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final Clock clock;

    TimelineLog(List<LabNode> nodes, Clock clock) {
        this.clock = clock;
        this.thread = Threads.start("torture-timelines", () -> {
            while (running.get()) {
                for (LabNode n : nodes) {
                    NodeState.of(n).filter(p -> !p.inRecovery()).ifPresent(p -> {
                        firstSeen.putIfAbsent(p.timeline(), clock.instant());
                        writer.putIfAbsent(p.timeline(), n.name());
                    });
                }
                LockSupport.parkNanos(Duration.ofMillis(POLL_MS).toNanos()); // the probe's pace, not a wait
            }
        });
    }

    /** The highest timeline known to exist at {@code at}, or 0 before any. */
    int highestAt(Instant at) {
        return firstSeen.entrySet().stream().filter(e -> !e.getValue().isAfter(at)).mapToInt(Map.Entry::getKey)
                .max().orElse(0);
    }

    int highest() {
        return highestAt(clock.instant());
    }

    Optional<Instant> firstSeen(int timeline) {
        return Optional.ofNullable(firstSeen.get(timeline));
    }

    /** "tli 2 on node2 from 19:40:01.123" for every timeline seen. */
    String describe() {
        StringBuilder out = new StringBuilder();
        firstSeen.forEach((t, at) -> out.append("tli ").append(t).append(" on ").append(writer.get(t)).append(" from ")
                .append(at).append("; "));
        return out.toString();
    }

    @Override
    public void close() {
        running.set(false);
    }
}
