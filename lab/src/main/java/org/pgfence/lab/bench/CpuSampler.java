package org.pgfence.lab.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    record Sample(Instant at, long agentTicks, long machineBusy, long machineTotal, long interrupts,
                  Map<String, Long> groups) {
    }

    /**
     * CPU used in a window: by all agents together, and the machine's busy share of all its cores; with
     * {@code byProcess}, also by every {@link ProcessGroups} group and the machine's busy time ({@code byGroupMillis},
     * else empty).
     */
    public record Usage(long agentsMillis, int agents, double machineBusyPercent, Map<String, Long> byGroupMillis) {
        public Usage(long agentsMillis, int agents, double machineBusyPercent) {
            this(agentsMillis, agents, machineBusyPercent, Map.of());
        }

        public long perAgentMillis() {
            return agents == 0 ? 0 : agentsMillis / agents;
        }
    }

    private final List<Long> pids;
    private final Clock clock;
    private final List<Sample> samples = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private final ProcessGroups groups;

    public CpuSampler(List<Long> agentPids, Clock clock) {
        this(agentPids, clock, false);
    }

    /**
     * With {@code byProcess}, every sample also scans all of {@code /proc} for {@link ProcessGroups} (about a hundred
     * small reads at N=30: a few percent of one core while it runs).
     */
    public CpuSampler(List<Long> agentPids, Clock clock, boolean byProcess) {
        this.pids = List.copyOf(agentPids);
        this.clock = clock;
        this.groups = byProcess ? new ProcessGroups(agentPids) : null;
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
        return new Sample(clock.instant(), agents, machine[0], machine[1], machine[2],
                groups == null ? Map.of() : groups.ticks());
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
        Map<String, Long> byGroup = new LinkedHashMap<>();
        if (groups != null) {
            long sum = 0;
            for (String g : ProcessGroups.ORDER) {
                long ticks = after.groups().getOrDefault(g, 0L) - before.groups().getOrDefault(g, 0L);
                byGroup.put(g, ticks * Proc.TICK_MILLIS);
                sum += ticks;
            }
            long machine = after.machineBusy() - before.machineBusy();
            long interrupts = after.interrupts() - before.interrupts();
            byGroup.put(ProcessGroups.INTERRUPTS, interrupts * Proc.TICK_MILLIS);
            byGroup.put(ProcessGroups.REST, (machine - sum - interrupts) * Proc.TICK_MILLIS);
            byGroup.put(ProcessGroups.MACHINE, machine * Proc.TICK_MILLIS);
        }
        return Optional.of(new Usage((after.agentTicks() - before.agentTicks()) * Proc.TICK_MILLIS, pids.size(),
                busy, byGroup));
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
