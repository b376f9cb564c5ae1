package org.pgfence.lab.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.pgfence.process.Threads;

/**
 * Where the machine's CPU goes while agents fence: samples, every {@link #PERIOD}, the CPU ticks the agent JVMs
 * have used ({@code /proc/<pid>/stat}) and the whole machine's busy and total ticks ({@code /proc/stat}). A
 * window's usage is the difference between the last sample at or before its start and the first at or after its
 * end, so it may include up to one period on either side; ticks are 10 ms.
 */
public final class CpuSampler implements AutoCloseable {
    public static final Duration PERIOD = Duration.ofMillis(20);

    record Sample(Instant at, long agentTicks, long machineBusy, long machineTotal) {
    }

    /** CPU used in a window: by all agents together, and the machine's busy share of all its cores. */
    public record Usage(long agentsMillis, int agents, double machineBusyPercent) {
        public long perAgentMillis() {
            return agents == 0 ? 0 : agentsMillis / agents;
        }
    }

    private final List<Long> pids;
    private final Clock clock;
    private final List<Sample> samples = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    public CpuSampler(List<Long> agentPids, Clock clock) {
        this.pids = List.copyOf(agentPids);
        this.clock = clock;
        samples.add(sample()); // a window starting right after construction has a sample before it
        this.thread = Threads.start("bench-cpu-sampler", this::run);
    }

    private void run() {
        try {
            while (!stop.await(PERIOD.toMillis(), TimeUnit.MILLISECONDS)) {
                Sample s = sample();
                synchronized (samples) {
                    samples.add(s);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Sample sample() {
        long agents = 0;
        for (long pid : pids) {
            agents += Proc.cpuTicks(pid);
        }
        long[] machine = Proc.machineTicks();
        return new Sample(clock.instant(), agents, machine[0], machine[1]);
    }

    /** Usage between {@code from} and {@code to}, or empty if the samples do not cover the window. */
    public Optional<Usage> usage(Instant from, Instant to) {
        Sample before = null;
        Sample after = null;
        synchronized (samples) {
            for (Sample s : samples) {
                if (!s.at().isAfter(from)) {
                    before = s;
                }
                if (after == null && !s.at().isBefore(to)) {
                    after = s;
                }
            }
        }
        if (before == null || after == null) {
            return Optional.empty();
        }
        long total = after.machineTotal() - before.machineTotal();
        double busy = total == 0 ? 0 : 100.0 * (after.machineBusy() - before.machineBusy()) / total;
        return Optional.of(new Usage((after.agentTicks() - before.agentTicks()) * Proc.TICK_MILLIS, pids.size(),
                busy));
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(PERIOD.multipliedBy(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
