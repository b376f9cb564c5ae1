package org.pgfence.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops daemons by pid file, safely: the pid's command line must name the expected program (a stale
 * pid file never kills a stranger), and a zombie counts as gone (PID 1 here does not reap promptly).
 */
final class Daemons {
    private Daemons() {
    }

    static Optional<Long> pid(Path pidFile) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            return first.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(first));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static boolean alive(long pid, String expected) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            if ("Z".equals(state) || "X".equals(state)) {
                return false;
            }
            String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline"))).replace('\0', ' ');
            return cmdline.contains(expected);
        } catch (IOException | StringIndexOutOfBoundsException e) {
            return false;
        }
    }

    static boolean alive(Path pidFile, String expected) {
        return pid(pidFile).map(p -> alive(p, expected)).orElse(false);
    }

    /** SIGTERM, wait up to {@code timeout}, then SIGKILL. Returns whether it had been running. */
    static boolean stop(Path pidFile, String expected, Duration timeout) {
        Optional<Long> pid = pid(pidFile);
        if (pid.isEmpty() || !alive(pid.get(), expected)) {
            return false;
        }
        ProcessHandle.of(pid.get()).ifPresent(ProcessHandle::destroy);
        if (!awaitGone(pid.get(), expected, timeout)) {
            ProcessHandle.of(pid.get()).ifPresent(ProcessHandle::destroyForcibly);
            awaitGone(pid.get(), expected, Duration.ofSeconds(5));
        }
        return true;
    }

    /** Stops every process whose command line contains all of {@code needles} (e.g. pgfence processes of one lab). */
    static int stopMatching(Duration timeout, String... needles) {
        List<ProcessHandle> matching = ProcessHandle.allProcesses().filter(ph -> {
            try {
                String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(ph.pid()), "cmdline")))
                        .replace('\0', ' ');
                return java.util.Arrays.stream(needles).allMatch(cmdline::contains);
            } catch (IOException e) {
                return false;
            }
        }).toList();
        matching.forEach(ProcessHandle::destroy);
        for (ProcessHandle ph : matching) {
            if (!awaitGone(ph.pid(), needles[0], timeout)) {
                ph.destroyForcibly();
            }
        }
        return matching.size();
    }

    static boolean awaitGone(long pid, String expected, Duration timeout) {
        Instant end = Clock.systemUTC().instant().plus(timeout);
        while (alive(pid, expected)) {
            if (Clock.systemUTC().instant().isAfter(end)) {
                return false;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return true;
    }
}
