package org.pgfence.lab;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        stop(name);
        Path log = log(name);
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", Exec.POSTGRES));
        if (supplementaryGroup != null) {
            argv.addAll(List.of("-g", Exec.POSTGRES, "-G", supplementaryGroup));
        }
        argv.addAll(List.of("--", lab.pgfenceCommand().toString()));
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
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM to the process tree, then SIGKILL after 15 s. */
    public synchronized void stop(String name) {
        Process p = running.remove(name);
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        List<String> names = new ArrayList<>(running.keySet());
        java.util.Collections.reverse(names);
        names.forEach(this::stop);
    }
}
