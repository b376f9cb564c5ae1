package org.pgfence.dist;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        org.pgfence.lab.Exec.Result r = org.pgfence.lab.Exec.run(timeout, dir, argv, env);
        return new Result(r.argv(), r.exitCode(), r.output());
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
