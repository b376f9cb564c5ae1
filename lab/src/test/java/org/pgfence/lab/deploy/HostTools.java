package org.pgfence.lab.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the host tools the deployment files are checked with (docker-compose, systemd-analyze, bash), and
 * installs a missing Debian package as root, the way the lab's Packages does: a missing tool fails the
 * test with what to install, it never skips it.
 */
final class HostTools {
    private static final Path POLICY_RC_D = Path.of("/usr/sbin/policy-rc.d");

    record Result(List<String> argv, int exitCode, String output) {
        String describe() {
            return String.join(" ", argv) + " -> exit " + exitCode + "\n" + output;
        }
    }

    private HostTools() {
    }

    static Result run(Duration timeout, Path dir, List<String> argv) {
        return run(timeout, dir, argv, Map.of());
    }

    static Result run(Duration timeout, Path dir, List<String> argv, Map<String, String> env) {
        org.pgfence.lab.Exec.Result r = org.pgfence.lab.Exec.run(timeout, dir, argv, env);
        return new Result(r.argv(), r.exitCode(), r.output());
    }

    /** The absolute path of {@code tool}, installing Debian package {@code pkg} first (as root) if it is missing. */
    static Path ensure(Path tool, String pkg) throws IOException {
        if (Files.isExecutable(tool)) {
            return tool;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException(tool + " is missing; install it as root: apt-get update && "
                    + "apt-get install -y --no-install-recommends " + pkg);
        }
        boolean ownPolicy = !Files.exists(POLICY_RC_D);
        try {
            if (ownPolicy) {
                // Installing must not start any packaged service.
                Files.writeString(POLICY_RC_D, "#!/bin/sh\nexit 101\n");
                POLICY_RC_D.toFile().setExecutable(true);
            }
            Path root = Path.of("/");
            Result update = run(Duration.ofMinutes(5), root, List.of("apt-get", "update", "-qq"));
            check(update, "apt-get update");
            // --no-install-recommends: docker-compose recommends docker.io, an engine this test must not need.
            Result install = run(Duration.ofMinutes(10), root,
                    List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", pkg),
                    Map.of("DEBIAN_FRONTEND", "noninteractive"));
            check(install, "apt-get install " + pkg);
        } finally {
            if (ownPolicy) {
                Files.deleteIfExists(POLICY_RC_D);
            }
        }
        if (!Files.isExecutable(tool)) {
            throw new IllegalStateException("installed " + pkg + " but " + tool + " is still missing");
        }
        return tool;
    }

    private static void check(Result r, String what) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException(what + " failed: " + r.describe());
        }
    }

    static List<String> argv(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            out.add(p.toString());
        }
        return out;
    }
}
