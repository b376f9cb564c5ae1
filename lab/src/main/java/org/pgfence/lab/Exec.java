package org.pgfence.lab;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.pgfence.process.ExitCode;

/**
 * Runs one external command with a deadline. Output goes to a file, not a pipe: daemons started by
 * the command (pg_ctl, pgbouncer -d, repmgrd) inherit its descriptors and would keep a pipe open.
 * Public for the lab's and the release module's tests, which run host commands (dpkg, apt-get, tar) the same way.
 */
public final class Exec {
    static final String POSTGRES = "postgres";

    public record Result(List<String> argv, int exitCode, String output) {
        Result orThrow(String what) {
            if (exitCode != 0) {
                throw new LabException(ExitCode.ENVIRONMENT, what + " failed (exit " + exitCode + "): "
                        + String.join(" ", argv) + "\n" + tail(output));
            }
            return this;
        }

        boolean ok() {
            return exitCode == 0;
        }
    }

    private Exec() {
    }

    static Result run(Duration timeout, List<String> argv) {
        return run(timeout, argv, Map.of());
    }

    static Result run(Duration timeout, List<String> argv, Map<String, String> env) {
        return run(timeout, Path.of("/"), argv, env);
    }

    /** {@code argv} in {@code dir} with {@code env} added; on timeout the whole process tree is killed (exit 124). */
    public static Result run(Duration timeout, Path dir, List<String> argv, Map<String, String> env) {
        Path out = null;
        try {
            out = Files.createTempFile("pgfence-lab-exec", ".out");
            ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(argv, 124, Files.readString(out, StandardCharsets.UTF_8)
                        + "\n(timed out after " + timeout.toMillis() + " ms)");
            }
            return new Result(argv, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException(ExitCode.INTERNAL, "interrupted while running " + argv.get(0), e);
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }

    static Result run(Duration timeout, String... argv) {
        return run(timeout, List.of(argv));
    }

    /** Runs as the postgres OS user: initdb, pg_ctl, repmgr, repmgrd and pgbouncer refuse root. */
    public static Result asPostgres(Duration timeout, String... argv) {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", POSTGRES, "--"));
        full.addAll(List.of(argv));
        return run(timeout, full);
    }

    static String tail(String output) {
        String[] lines = output.split("\n");
        int from = Math.max(0, lines.length - 15);
        return String.join("\n", List.of(lines).subList(from, lines.length));
    }
}
