package org.pgfence.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.pgfence.lab.LabPgbouncer;

/**
 * What the agents cost while idle, read from {@code /proc} of their JVMs (found by their config file on the
 * command line): resident set size, and CPU as the share of one core used over a measuring window.
 */
final class AgentCost {

    record Sample(long rssKb, double cpuPercent, int threads) {
    }

    record Summary(int agents, long rssMedianMb, long rssMaxMb, double cpuMeanPercent, double cpuMaxPercent, long threadsMedian) {
        @Override
        public String toString() {
            return String.format("%d agents: RSS median %d MB, max %d MB; CPU mean %.2f%%, max %.2f%% of a core; %d threads",
                    agents, rssMedianMb, rssMaxMb, cpuMeanPercent, cpuMaxPercent, threadsMedian);
        }
    }

    private AgentCost() {
    }

    /** Measures every agent over {@code window} (a measuring interval, not a wait for a condition). */
    static Summary measure(List<Path> agentConfigs, Duration window) {
        Map<Long, Long> ticks0 = new LinkedHashMap<>();
        List<Long> pids = pids(agentConfigs);
        pids.forEach(pid -> ticks0.put(pid, Proc.cpuTicks(pid)));
        long start = System.nanoTime();
        LockSupport.parkNanos(window.toNanos());
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Sample> samples = new ArrayList<>();
        for (long pid : pids) {
            double cpu = (Proc.cpuTicks(pid) - ticks0.get(pid)) / (double) Proc.TICKS_PER_SECOND / seconds * 100.0;
            samples.add(new Sample(Proc.statusKb(pid, "VmRSS:"), cpu, (int) Proc.statusKb(pid, "Threads:")));
        }
        return summarize(samples);
    }

    static Summary summarize(List<Sample> samples) {
        List<Long> rss = samples.stream().map(s -> s.rssKb() / 1024).toList();
        List<Long> threads = samples.stream().map(s -> (long) s.threads()).toList();
        double mean = samples.stream().mapToDouble(Sample::cpuPercent).average().orElse(0);
        double max = samples.stream().mapToDouble(Sample::cpuPercent).max().orElse(0);
        return new Summary(samples.size(), Percentiles.median(rss), Percentiles.of(rss).max(), mean, max,
                Percentiles.median(threads));
    }

    /** The agent JVMs that run with these config files (one that is not found is left out). */
    static List<Long> pids(List<Path> agentConfigs) {
        List<Long> pids = new ArrayList<>();
        for (Path config : agentConfigs) {
            javaPid(config.toString()).ifPresent(pids::add);
        }
        return pids;
    }

    static List<Path> configs(List<LabPgbouncer> hosts, Function<LabPgbouncer, Path> config) {
        return hosts.stream().map(config).toList();
    }

    /** The JVM (not the runuser or sh wrapper) whose command line names {@code configFile}. */
    static Optional<Long> javaPid(String configFile) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> {
                        String cmd = cmdline(p);
                        return cmd.contains("org.pgfence.cli.Main") && cmd.contains(configFile) && cmd.contains("java");
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(pid -> Proc.read(Path.of("/proc/" + pid + "/comm")).trim().equals("java"))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String cmdline(Path proc) {
        return Proc.read(proc.resolve("cmdline")).replace('\0', ' ');
    }
}
