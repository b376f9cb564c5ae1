package org.pgfence.dist;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The installed {@code /usr/bin/pgfence agent}, run as the packaged {@code pgfence} user, as its unit would (working
 * directory its state directory), with {@code supplementaryGroup} added so it may write a database ini in a directory
 * that group owns. Stopped with SIGTERM, then SIGKILL; a shutdown hook stops it if the test JVM dies first.
 */
final class InstalledAgent implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Thread hook;

    private InstalledAgent(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.hook = new Thread(this::stop, "installed-agent-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static InstalledAgent start(Path launcher, Path config, String supplementaryGroup, Path log) throws IOException {
        String group = Host.run(java.time.Duration.ofSeconds(10), "id", "-gn", "pgfence").orFail().output().strip();
        List<String> argv = List.of("runuser", "-u", "pgfence", "-g", group, "-G", supplementaryGroup, "--",
                launcher.toString(), "agent", "--config", config.toString());
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(argv).directory(new File("/var/lib/pgfence/agent")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new InstalledAgent(p, log);
    }

    /** The agent's JVM (under runuser), once it is there. */
    Optional<ProcessHandle> jvm() {
        return process.descendants().filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst();
    }

    /** Resident set size of the agent's JVM in kB, from /proc; -1 when it is not running. */
    long rssKb() {
        return jvm().map(h -> {
            try {
                return Files.readAllLines(Path.of("/proc", Long.toString(h.pid()), "status")).stream()
                        .filter(l -> l.startsWith("VmRSS:")).findFirst()
                        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(-1L);
            } catch (IOException e) {
                return -1L;
            }
        }).orElse(-1L);
    }

    /** The JVM's command line, to show which options and class path the installed launcher gave it. */
    String commandLine() {
        return jvm().flatMap(h -> h.info().commandLine()).orElse("(not running)");
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void stop() {
        org.pgfence.lab.PgfenceProcesses.stopTree(process);
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or ran) stop() itself
        }
    }
}
