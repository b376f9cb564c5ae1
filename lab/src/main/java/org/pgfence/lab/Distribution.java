package org.pgfence.lab;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.pgfence.process.ExitCode;

/**
 * Puts a copy of the pgfence distribution inside the lab directory, with a launcher the postgres user can
 * run: repmgrd runs its hooks as postgres, which may not be able to read the checkout or ~/.m2.
 */
final class Distribution {
    /** An agent's heap: it holds a few KB of state; its live set measured about 11 MB (BENCHMARKS.md "## Cost"). */
    static final String AGENT_HEAP = "-Xms8m -Xmx64m -Xmn2m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=24m";

    private Distribution() {
    }

    static void install(LabLayout layout) {
        List<Path> jars = sourceJars();
        try {
            Files.createDirectories(layout.distDir());
            for (Path jar : jars) {
                Files.copy(jar, layout.distDir().resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot copy the pgfence distribution: " + e.getMessage(), e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Hooks.writeScript(layout.pgfenceCommand(), """
                #!/bin/sh
                # the same JVM options as bin/pgfence: agents small (they run for months, one per pgbouncer host)
                case "$1" in
                  agent) opts="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xss512k %3$s" ;;
                  *) opts="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xss512k -Xmx128m" ;;
                esac
                export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
                exec %1$s ${PGFENCE_JAVA_OPTS:-$opts} -Dpgfence.dist=%2$s -cp '%2$s/*' org.pgfence.cli.Main "$@"
                """.formatted(java, layout.distDir(), AGENT_HEAP));
    }

    /** The jars of this distribution: {@code -Dpgfence.dist} (set by bin/pgfence and the ITs) or the class path. */
    static List<Path> sourceJars() {
        String dist = System.getProperty("pgfence.dist");
        List<Path> jars = new ArrayList<>();
        if (dist != null && Files.isDirectory(Path.of(dist))) {
            try (Stream<Path> s = Files.list(Path.of(dist))) {
                s.filter(p -> p.toString().endsWith(".jar")).forEach(jars::add);
            } catch (IOException e) {
                throw new LabException(ExitCode.ENVIRONMENT, "cannot list " + dist + ": " + e.getMessage(), e);
            }
        } else {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (entry.endsWith(".jar")) {
                    jars.add(Path.of(entry));
                }
            }
        }
        if (jars.stream().noneMatch(p -> p.getFileName().toString().startsWith("pgfence-cli"))) {
            throw new LabException(ExitCode.ENVIRONMENT, "no pgfence distribution found (no pgfence-cli jar in "
                    + (dist != null ? dist : "the class path") + "); build it with: mvn -DskipTests package");
        }
        return jars;
    }
}
