package org.pgfence.lab;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.pgfence.process.ExitCode;

/**
 * Long-running pgfence processes of a lab (agents, the auditor), each its own JVM run as the postgres user
 * (as a deployment runs them: not root, so file permissions mean what they say), with its log in the lab.
 * {@link #close()} stops them in reverse order of start, SIGTERM first, bounded.
 */
public final class PgfenceProcesses implements AutoCloseable {
    private final Lab lab;
    private final Map<String, Process> running = new LinkedHashMap<>();

    public PgfenceProcesses(Lab lab) {
        this.lab = lab;
    }

    /** Starts {@code pgfence <args>} as {@code name}; its output goes to {@code <lab>/logs/<name>.log}. */
    public synchronized Process start(String name, String... args) {
        return startWithGroup(name, null, args);
    }

    /**
     * As {@link #start}, with {@code supplementaryGroup} (when not null) added to the process's groups, so a
     * firewall rule ({@code -m owner --gid-owner G --suppl-groups}) can single it out; files still belong to
     * postgres.
     */
    public synchronized Process startWithGroup(String name, String supplementaryGroup, String... args) {
        return startSkewed(name, supplementaryGroup, Duration.ZERO, args);
    }

    /** Where Debian's libfaketime (package faketime) puts the library a skewed process preloads. */
    static final String FAKETIME_LIBRARY = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

    /**
     * As {@link #startWithGroup}, with the process's wall clock {@code skew} off the machine's (libfaketime
     * preloaded; zero: no preload). The monotonic clock is shifted by the same constant, so every interval the
     * process measures (timeouts, timers) is unchanged; only what it says the time is (acks' and heartbeats'
     * timestamps) is off, as on a host whose NTP is broken. Not {@code FAKETIME_DONT_FAKE_MONOTONIC=1}: with it
     * libfaketime 0.9.10 makes a JVM 4-5 times slower ({@code pgfence --version}: 4.4 s against 1.0 s; an agent
     * took 36 s to ack its first reconcile in FaultClockIT, the suite's slowest class).
     */
    public synchronized Process startSkewed(String name, String supplementaryGroup, Duration skew, String... args) {
        stop(name);
        Path log = log(name);
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", Exec.POSTGRES));
        if (supplementaryGroup != null) {
            argv.addAll(List.of("-g", Exec.POSTGRES, "-G", supplementaryGroup));
        }
        argv.add("--");
        if (!skew.isZero()) {
            if (!java.nio.file.Files.isReadable(Path.of(FAKETIME_LIBRARY))) {
                throw new LabException(ExitCode.ENVIRONMENT, "cannot skew the clock of " + name + ": no "
                        + FAKETIME_LIBRARY + " (apt-get install faketime)");
            }
            argv.addAll(List.of("env", "LD_PRELOAD=" + FAKETIME_LIBRARY,
                    "FAKETIME=" + (skew.isNegative() ? "-" : "+") + skew.abs().toSeconds() + "s",
                    "FAKETIME_DONT_RESET=1"));
        }
        argv.add(lab.pgfenceCommand().toString());
        argv.addAll(List.of(args));
        try {
            java.nio.file.Files.createDirectories(log.getParent());
            Lab.chownToPostgres(log.getParent());
            Process p = new ProcessBuilder(argv).directory(new File("/")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            running.put(name, p);
            return p;
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot start pgfence " + name + ": " + e.getMessage(), e);
        }
    }

    /** Makes {@code path} (recursively) the postgres user's, as the processes run as postgres. */
    public static void chownToPostgres(Path path) {
        Lab.chownToPostgres(path);
    }

    public Path log(String name) {
        return lab.dir().resolve("logs").resolve(name + ".log");
    }

    public synchronized boolean isRunning(String name) {
        Process p = running.get(name);
        return p != null && p.isAlive();
    }

    /** SIGKILL to the process tree, as a crash: no shutdown hook, no clean close of anything. */
    public synchronized void kill(String name) {
        Process p = running.remove(name);
        if (p == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        awaitGone(tree, Duration.ofSeconds(5));
    }

    /** The JVM of {@code name} (under runuser; the launcher execs java), if it runs. */
    public synchronized Optional<ProcessHandle> jvm(String name) {
        Process p = running.get(name);
        return p == null ? Optional.empty() : p.descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
    }

    /**
     * SIGHUP to the JVM of {@code name} (under runuser; the launcher execs java): for an agent, "reconcile now", as
     * {@code systemctl reload pgfence-agent} sends it. Throws when there is no such JVM or kill fails.
     */
    public synchronized void hangup(String name) {
        ProcessHandle jvm = jvm(name).orElseThrow(() -> new LabException(ExitCode.CHECK_FAILED,
                "no running JVM of pgfence " + name + " to send SIGHUP to"));
        try {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(jvm.pid())).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new LabException(ExitCode.CHECK_FAILED, "kill -HUP " + jvm.pid() + " (pgfence " + name + ") failed: "
                        + new String(kill.getInputStream().readAllBytes()).trim());
            }
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot run kill: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException(ExitCode.CHECK_FAILED, "interrupted sending SIGHUP to pgfence " + name);
        }
    }

    /**
     * SIGTERM to the process tree, then SIGKILL after 15 s; returns once every process of the tree is gone (the JVM
     * under runuser too: a process started again under the same name would otherwise find its port still bound).
     */
    public synchronized void stop(String name) {
        Process p = running.remove(name);
        if (p != null) {
            stopTrees(List.of(p));
        }
    }

    /** SIGTERM to {@code p} and its descendants, SIGKILL after 15 s; returns once every one of them is gone. */
    public static void stopTree(Process p) {
        stopTrees(List.of(p));
    }

    /**
     * Stops the trees together: the signal goes to what runuser runs (the JVM; runuser itself only if it has not forked
     * yet). runuser exits with its child; signalled itself, it would wait 2 s more ("Session terminated, killing
     * shell...", util-linux su-common.c), which made every stop of an agent take 4 s and the suite minutes longer.
     */
    private static void stopTrees(List<Process> processes) {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : processes) {
            List<ProcessHandle> below = p.descendants().toList();
            (below.isEmpty() ? List.of(p.toHandle()) : below).forEach(ProcessHandle::destroy);
            all.add(p.toHandle()); // a child of this JVM, reaped at once: awaited first
            all.addAll(below);
        }
        if (!awaitGone(all, Duration.ofSeconds(15))) {
            all.forEach(ProcessHandle::destroyForcibly);
            awaitGone(all, Duration.ofSeconds(5));
        }
    }

    private static boolean awaitGone(List<ProcessHandle> tree, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                continue; // gone either way
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void close() {
        List<Process> all = new ArrayList<>(running.values());
        running.clear();
        stopTrees(all);
    }
}
