package org.pgfence.lab.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Where the machine's CPU goes while agents fence: samples, every {@link #PERIOD}, the CPU ticks the agent JVMs
 * have used ({@code /proc/<pid>/stat}) and the whole machine's busy and total ticks ({@code /proc/stat}). A
 * window's usage is the difference between the last sample at or before its start and the first at or after its
 * end, so it may include up to one period on either side; ticks are 10 ms.
 */
final class CpuSampler implements AutoCloseable {
    static final Duration PERIOD = Duration.ofMillis(20);
    static final long TICK_MILLIS = 10; // USER_HZ = 100 on Linux

    record Sample(Instant at, long agentTicks, long machineBusy, long machineTotal) {
    }

    /** CPU used in a window: by all agents together, and the machine's busy share of all its cores. */
    record Usage(long agentsMillis, int agents, double machineBusyPercent) {
        long perAgentMillis() {
            return agents == 0 ? 0 : agentsMillis / agents;
        }
    }

    private final List<Long> pids;
    private final Clock clock;
    private final List<Sample> samples = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    CpuSampler(List<Long> agentPids, Clock clock) {
        this.pids = List.copyOf(agentPids);
        this.clock = clock;
        samples.add(sample()); // a window starting right after construction has a sample before it
        this.thread = new Thread(this::run, "bench-cpu-sampler");
        thread.setDaemon(true);
        thread.start();
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
            agents += processTicks(read(Path.of("/proc/" + pid + "/stat")));
        }
        long[] machine = machineTicks(read(Path.of("/proc/stat")));
        return new Sample(clock.instant(), agents, machine[0], machine[1]);
    }

    /** Usage between {@code from} and {@code to}, or empty if the samples do not cover the window. */
    java.util.Optional<Usage> usage(Instant from, Instant to) {
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
            return java.util.Optional.empty();
        }
        long total = after.machineTotal() - before.machineTotal();
        double busy = total == 0 ? 0 : 100.0 * (after.machineBusy() - before.machineBusy()) / total;
        return java.util.Optional.of(new Usage((after.agentTicks() - before.agentTicks()) * TICK_MILLIS, pids.size(),
                busy));
    }

    /** utime + stime of one process, from its {@code stat} line; 0 if it is gone. */
    static long processTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return 0;
        }
        String[] f = stat.substring(close + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** {busy, total} ticks of all cores, from the {@code cpu} line of {@code /proc/stat}. */
    static long[] machineTicks(String procStat) {
        for (String line : procStat.split("\n")) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                long total = 0;
                long idle = 0;
                for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i == 4 || i == 5) {
                        idle += v;
                    }
                }
                return new long[] {total - idle, total};
            }
        }
        return new long[] {0, 0};
    }

    private static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
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
