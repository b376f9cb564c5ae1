package org.pgfence.lab.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What the bench reads from {@code /proc}: a process's CPU ticks and the machine's. */
public final class Proc {
    static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux
    public static final long TICK_MILLIS = 1000 / TICKS_PER_SECOND;

    private Proc() {
    }

    /** utime + stime of process {@code pid}; 0 if it is gone. */
    public static long cpuTicks(long pid) {
        return processTicks(read(Path.of("/proc/" + pid + "/stat")));
    }

    /** {utime, stime} of process {@code pid}; zeros if it is gone. */
    public static long[] userSystemTicks(long pid) {
        return userSystemTicks(read(Path.of("/proc/" + pid + "/stat")));
    }

    /** utime + stime from a {@code /proc/<pid>/stat} line (the command name may hold spaces); 0 if empty. */
    static long processTicks(String stat) {
        long[] us = userSystemTicks(stat);
        return us[0] + us[1];
    }

    static long[] userSystemTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return new long[] {0, 0};
        }
        String[] f = stat.substring(close + 2).split(" ");
        // after "pid (comm) ": state is f[0]; utime and stime are fields 14 and 15 of stat, f[11] and f[12]
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    /**
     * {busy, total, interrupts} ticks of all cores, from the {@code cpu} line of {@code /proc/stat}; interrupts (irq +
     * softirq: loopback networking's receive side, for one) are busy time no process is charged with.
     */
    static long[] machineTicks(String procStat) {
        for (String line : procStat.split("\n")) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                long total = 0;
                long idle = 0;
                long interrupts = 0;
                for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i == 4 || i == 5) {
                        idle += v;
                    }
                    if (i == 6 || i == 7) {
                        interrupts += v;
                    }
                }
                return new long[] {total - idle, total, interrupts};
            }
        }
        return new long[] {0, 0, 0};
    }

    static long[] machineTicks() {
        return machineTicks(read(Path.of("/proc/stat")));
    }

    /** A {@code /proc/<pid>/status} value in kB (or a count, for {@code Threads:}); 0 if the process is gone. */
    public static long statusKb(long pid, String key) {
        for (String line : read(Path.of("/proc/" + pid + "/status")).split("\n")) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
            }
        }
        return 0;
    }

    /**
     * utime + stime of each live thread of process {@code pid}, summed by thread name with its digits left out (the
     * JIT's "C1 CompilerThre0" and "C1 CompilerThre1" are one entry). A thread that ended is in no entry: compare
     * the sum with {@link #cpuTicks}.
     */
    public static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> byName = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                String stat = read(task.resolve("stat"));
                if (!stat.isEmpty()) {
                    byName.merge(comm(stat).replaceAll("\\d+", ""), processTicks(stat), Long::sum);
                }
            }
        } catch (IOException e) {
            return byName; // the process is gone
        }
        return byName;
    }

    /** The command name of a {@code /proc/<pid>/stat} line (between the first '(' and the last ')'), or "". */
    static String comm(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        return open >= 0 && close > open ? stat.substring(open + 1, close) : "";
    }

    /** The file's text, or "" if it cannot be read (a process that just exited). */
    static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
