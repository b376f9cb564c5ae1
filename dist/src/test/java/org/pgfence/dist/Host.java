package org.pgfence.dist;

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

/** Runs a command of this host, bounded, with its output (stdout and stderr together) captured. */
final class Host {
    private Host() {
    }

    record Result(List<String> argv, int exitCode, String output) {
        String describe() {
            return String.join(" ", argv) + " -> exit " + exitCode + "\n" + output;
        }

        List<String> lines() {
            return output.lines().toList();
        }

        Result orFail() {
            if (exitCode != 0) {
                throw new AssertionError(describe());
            }
            return this;
        }
    }

    static Result run(Duration timeout, Object... argv) {
        return run(timeout, Path.of("/"), Map.of(), argv(argv));
    }

    static Result run(Duration timeout, Path dir, Map<String, String> env, List<String> argv) {
        Path out = null;
        try {
            out = Files.createTempFile("pgfence-dist-it", ".out");
            ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Result(argv, 124, Files.readString(out, StandardCharsets.UTF_8)
                        + "\n(timed out after " + timeout.toSeconds() + " s)");
            }
            return new Result(argv, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }

    static List<String> argv(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            out.add(p.toString());
        }
        return out;
    }

    /** Installing a package needs root; a missing privilege fails the test with what to do, it never skips it. */
    static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("installing the .deb needs root: run the dist ITs as root (CI does)");
        }
    }
}
