package org.pgfence.lab.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabException;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.PgfenceProcesses;
import org.pgfence.lab.drill.Fencing;
import org.pgfence.process.ExitCode;

/**
 * repmgr's classic fencing recipe ({@code classic/promote-classic.sh}: adapted only for repmgr 5 names and the
 * lab's SSH and paths) run on the lab's pgbouncer hosts after a promotion ({@code SKIP_PROMOTE=1}), as postgres,
 * timed from its start to the end of its serial loop. {@link #observe} records what pgbouncer made of the
 * conninfo the recipe pastes verbatim: SHOW DATABASES after its RELOAD, and what pgbouncer logged.
 */
final class ClassicRecipe {
    static final String RESOURCE = "/classic/promote-classic.sh";
    private static final long TIMEOUT_SECONDS = 600;

    record Run(long millis, int exitCode, String output) {
    }

    /** What the pgbouncers said after one run: SHOW DATABASES (grouped) and the distinct new log lines. */
    record Observation(Map<String, List<String>> databases, List<String> logLines) {
    }

    private final Lab lab;
    private final Path script;

    ClassicRecipe(Lab lab) {
        this.lab = lab;
        this.script = lab.dir().resolve("bin").resolve("promote-classic.sh");
    }

    ClassicRecipe install() {
        try (InputStream in = ClassicRecipe.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new LabException(ExitCode.INTERNAL, "missing resource " + RESOURCE);
            }
            Files.createDirectories(script.getParent());
            Files.write(script, in.readAllBytes());
            script.toFile().setExecutable(true, false);
            script.toFile().setReadable(true, false);
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot install " + script + ": " + e.getMessage(), e);
        }
        PgfenceProcesses.chownToPostgres(script);
        return this;
    }

    /** One run of the recipe's loop over every pgbouncer host, against {@code primary}'s repmgr metadata. */
    Run run(LabNode primary) {
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", "/usr/bin/env"));
        environment(primary).forEach((k, v) -> argv.add(k + "=" + v));
        argv.addAll(List.of("/bin/bash", script.toString()));
        Path out = null;
        try {
            out = Files.createTempFile("pgfence-bench-classic", ".out");
            ProcessBuilder pb = new ProcessBuilder(argv).directory(new File("/")).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            long start = System.nanoTime();
            Process p = pb.start();
            boolean done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (!done) {
                p.destroyForcibly();
            }
            return new Run(millis, done ? p.exitValue() : 124, Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException(ExitCode.INTERNAL, "interrupted while running the classic recipe", e);
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }

    private Map<String, String> environment(LabNode primary) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SKIP_PROMOTE", "1");
        env.put("PGBOUNCER_HOSTS", lab.pgbouncers().stream().map(LabPgbouncer::host).collect(Collectors.joining(" ")));
        env.put("REPMGR_HOST", primary.address());
        env.put("REPMGR_CONF", primary.repmgrConf().toString());
        env.put("SSH_KEY", lab.layout().clientKey().toString());
        env.put("SSH_KNOWN_HOSTS", lab.layout().knownHosts().toString());
        for (LabPgbouncer p : lab.pgbouncers()) {
            env.put("PGBOUNCER_ADDRESS_" + p.host(), p.address());
            env.put("PGBOUNCER_DATABASE_INI_" + p.host(), p.databaseIni().toString());
        }
        return env;
    }

    /** The size of every pgbouncer log now, to read what a run adds. */
    Map<String, Long> logOffsets() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (LabPgbouncer p : lab.pgbouncers()) {
            out.put(p.host(), p.log().toFile().length());
        }
        return out;
    }

    Observation observe(Map<String, Long> offsets) {
        Map<String, List<String>> byTarget = new LinkedHashMap<>();
        for (LabPgbouncer p : lab.pgbouncers()) {
            String state = "appdb-rw -> " + Fencing.target(p, "appdb-rw") + ", appdb-ro -> " + Fencing.target(p, "appdb-ro");
            byTarget.computeIfAbsent(state, k -> new ArrayList<>()).add(p.host());
        }
        Set<String> lines = new LinkedHashSet<>();
        for (LabPgbouncer p : lab.pgbouncers()) {
            for (String line : newLines(p.log(), offsets.getOrDefault(p.host(), 0L))) {
                String text = line.replaceFirst("^\\S+ \\S+ \\S+ \\[\\d+\\] ", "").replace(p.dir().toString(), "<pgb>");
                if (!text.contains("login attempt") && !text.contains("closing because") && !text.contains("new connection")) {
                    lines.add(text);
                }
            }
        }
        return new Observation(byTarget, List.copyOf(lines));
    }

    private static List<String> newLines(Path log, long offset) {
        try {
            byte[] all = Files.readAllBytes(log);
            if (offset >= all.length) {
                return List.of();
            }
            return List.of(new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            return List.of("(cannot read " + log + ": " + e.getMessage() + ")");
        }
    }
}
