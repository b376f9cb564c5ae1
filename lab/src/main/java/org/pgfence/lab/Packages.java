package org.pgfence.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.pgfence.process.ExitCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Installs the Debian packages the lab needs when they are missing (as root), or says what to install. */
final class Packages {
    private static final Logger LOG = LoggerFactory.getLogger(Packages.class);
    static final List<String> REQUIRED = List.of("postgresql-15", "postgresql-15-repmgr", "repmgr", "pgbouncer",
            "openssh-server", "openssh-client", "rsync",
            "iptables", // the fault tests cut one agent off one node with an owner-matched loopback rule
            "faketime" // libfaketime: the clock-skew fault runs an agent whose wall clock is hours off
    );
    private static final Path POLICY_RC_D = Path.of("/usr/sbin/policy-rc.d");

    private Packages() {
    }

    static List<String> missing() {
        return missing(REQUIRED);
    }

    static List<String> missing(List<String> packages) {
        List<String> missing = new ArrayList<>();
        for (String pkg : packages) {
            Exec.Result r = Exec.run(Duration.ofSeconds(20), "dpkg-query", "-W", "-f=${Status}", pkg);
            if (!r.ok() || !r.output().contains("install ok installed")) {
                missing.add(pkg);
            }
        }
        return missing;
    }

    static void ensureInstalled() {
        ensureInstalled(REQUIRED);
    }

    /** Installs those of {@code packages} that are missing (a test's own tools, e.g. promtool's prometheus). */
    static void ensureInstalled(List<String> packages) {
        List<String> missing = missing(packages);
        if (missing.isEmpty()) {
            return;
        }
        if (!isRoot()) {
            throw new LabException(ExitCode.ENVIRONMENT, "the lab needs Debian packages " + missing
                    + "; install them as root: apt-get update && apt-get install -y " + String.join(" ", missing));
        }
        LOG.info("installing missing packages {}", missing);
        boolean ownPolicy = !Files.exists(POLICY_RC_D);
        try {
            if (ownPolicy) {
                // No packaged service may start (the packaged 15/main cluster, pgbouncer :6432, sshd :22).
                Files.writeString(POLICY_RC_D, "#!/bin/sh\nexit 101\n");
                POLICY_RC_D.toFile().setExecutable(true);
            }
            Exec.run(Duration.ofMinutes(5), "apt-get", "update", "-qq").orThrow("apt-get update");
            List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends"));
            argv.addAll(missing);
            Exec.run(Duration.ofMinutes(15), argv, java.util.Map.of("DEBIAN_FRONTEND", "noninteractive"))
                    .orThrow("apt-get install " + missing);
        } catch (java.io.IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot write " + POLICY_RC_D + ": " + e.getMessage(), e);
        } finally {
            if (ownPolicy) {
                POLICY_RC_D.toFile().delete();
            }
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
