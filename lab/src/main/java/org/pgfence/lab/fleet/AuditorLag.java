package org.pgfence.lab.fleet;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.pgfence.process.Threads;

/**
 * How far the auditor is behind, once a second: the records of its topics (acks and heartbeats) its consumer group
 * has not committed yet ({@link GroupWatch#lag}). A sample the broker did not answer is left out.
 */
final class AuditorLag implements AutoCloseable {
    static final long PERIOD_MS = 1000;

    private record Sample(Instant at, long records) {
    }

    private final GroupWatch groups;
    private final String group;
    private final Clock clock;
    private final List<Sample> samples = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    AuditorLag(GroupWatch groups, String group, Clock clock) {
        this.groups = groups;
        this.group = group;
        this.clock = clock;
        this.thread = Threads.start("fleet-auditor-lag", this::run);
    }

    private void run() {
        try {
            do {
                long lag = groups.lag(group);
                if (lag >= 0) {
                    synchronized (samples) {
                        samples.add(new Sample(clock.instant(), lag));
                    }
                }
            } while (!stop.await(PERIOD_MS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The largest lag sampled in [from, to], or -1 if none was. */
    long peak(Instant from, Instant to) {
        synchronized (samples) {
            return samples.stream().filter(s -> !s.at().isBefore(from) && !s.at().isAfter(to))
                    .mapToLong(Sample::records).max().orElse(-1);
        }
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
