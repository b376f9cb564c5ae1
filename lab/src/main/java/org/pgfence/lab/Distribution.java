package org.pgfence.lab;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.pgfence.process.ExitCode;

/**
 * Gives a lab the pgfence distribution with a launcher the postgres user can run: repmgrd runs its hooks as
 * postgres, which may not be able to read the checkout or ~/.m2.
 *
 * <p>The jars go to one copy per build, {@code <tmp>/pgfence-dist-<key>/lib}, shared by every lab of that build
 * ({@code <lab>/pgfence/lib} links to it), with a class-data-sharing archive ({@code pgfence.jsa}) trained once
 * on the failover path: {@code pgfence promote} runs inside repmgrd's failover, and mapping its classes from the
 * archive instead of loading them saves a good part of its JVM start. The archive is only valid for the exact
 * jar paths it was made with, which is why the copy must be shared and stable rather than per lab.
 */
public final class Distribution {
    static final String JAVA_OPTS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xss512k -Xmx128m";
    private static final Duration TRAINING = Duration.ofSeconds(180);
    private static final Duration KEEP = Duration.ofDays(1);
    /**
     * An agent's heap: it holds a few KB of state; its live set measured about 11 MB (BENCHMARKS.md "## Cost"); and no
     * hsperfdata, whose sampling thread was a fifth of an idle agent's CPU (BENCHMARKS.md "Idle CPU").
     */
    static final String AGENT_HEAP = "-Xms8m -Xmx64m -Xmn2m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
            + " -XX:ReservedCodeCacheSize=24m -XX:-UsePerfData";
    /**
     * The failover path's commands map the class-data archives at the address they were made for instead of relocating
     * them, as bin/pgfence runs them: relocation is about 40 ms of a promote's JVM start (BENCHMARKS.md "Session 18").
     * A JDK that drops the diagnostic flag must still start the JVM, or the promotion would not run.
     */
    static final String FAILOVER_PATH = "-XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockDiagnosticVMOptions"
            + " -XX:ArchiveRelocationMode=0";

    private Distribution() {
    }

    static void install(LabLayout layout) {
        Path shared = shared(sourceJars());
        try {
            Files.createDirectories(layout.distDir().getParent());
            Files.deleteIfExists(layout.distDir());
            Files.createSymbolicLink(layout.distDir(), shared.resolve("lib"));
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot link the pgfence distribution: " + e.getMessage(), e);
        }
        Hooks.writeScript(layout.pgfenceCommand(), launcher(shared));
    }

    /**
     * A JVM started as the lab's launcher starts an agent (the agent's options, this build's shared jars and their
     * archive), running {@code mainClass} instead of pgfence: {@code pgfence kafka-floor}'s client.
     */
    public static List<String> agentJvm(String mainClass) {
        Path shared = shared(sourceJars());
        List<String> argv = new ArrayList<>();
        argv.add(java());
        argv.addAll(List.of((JAVA_OPTS + " " + AGENT_HEAP).split(" ")));
        if (Files.exists(shared.resolve("pgfence.jsa"))) {
            argv.add("-XX:SharedArchiveFile=" + shared.resolve("pgfence.jsa"));
        }
        argv.addAll(List.of("-cp", shared.resolve("lib") + "/*", mainClass));
        return argv;
    }

    /** The java of this JVM: the one the archive is made with and valid for. */
    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The launcher: the shared jars, and their archive when there is one. */
    static String launcher(Path shared) {
        String java = java();
        return """
                #!/bin/sh
                # the same JVM options as bin/pgfence: agents small (they run for months, one per pgbouncer host)
                case "$1" in
                  agent) opts="%4$s %5$s" ;;
                  promote|notify|spool|switchover) opts="%4$s %6$s" ;;
                  *) opts="%4$s" ;;
                esac
                export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
                cds=""
                [ -f %3$s ] && cds="-XX:SharedArchiveFile=%3$s"
                exec %1$s ${PGFENCE_JAVA_OPTS:-$opts} ${PGFENCE_JAVA_EXTRA_OPTS:-} $cds \\
                  -Dpgfence.dist=%2$s -cp '%2$s/*' org.pgfence.cli.Main "$@"
                """.formatted(java, shared.resolve("lib"), shared.resolve("pgfence.jsa"), JAVA_OPTS,
                AGENT_HEAP, FAILOVER_PATH);
    }

    /** The shared copy of {@code jars} (made on first use, with its archive), readable by postgres. */
    static Path shared(List<Path> jars) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path shared = tmp.resolve("pgfence-dist-" + key(jars));
        try {
            if (!Files.isDirectory(shared.resolve("lib"))) {
                prune(tmp);
                copy(jars, shared);
            }
            if (!Files.exists(shared.resolve("pgfence.jsa"))) {
                train(shared);
            }
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot copy the pgfence distribution: " + e.getMessage(), e);
        }
        return shared;
    }

    private static void copy(List<Path> jars, Path shared) throws IOException {
        Path staging = shared.resolveSibling(shared.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createDirectories(staging.resolve("lib"));
        for (Path jar : jars) {
            Files.copy(jar, staging.resolve("lib").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Exec.run(Duration.ofSeconds(30), "chmod", "-R", "a+rX", staging.toString()).orThrow("chmod distribution");
        try {
            Files.move(staging, shared, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            delete(staging); // another JVM made the same copy first
        }
    }

    /** One training run under {@code -XX:ArchiveClassesAtExit}; without an archive the launcher still works. */
    private static void train(Path shared) throws IOException {
        Path archive = shared.resolve("pgfence.jsa");
        Path staging = shared.resolve("pgfence.jsa.tmp-" + UUID.randomUUID());
        List<String> argv = new ArrayList<>();
        argv.add(java());
        argv.addAll(List.of(JAVA_OPTS.split(" ")));
        argv.addAll(List.of("-XX:ArchiveClassesAtExit=" + staging, "-cp", shared.resolve("lib") + "/*",
                "org.pgfence.cli.CdsTraining"));
        Exec.Result r = Exec.run(TRAINING, argv);
        if (r.ok() && Files.exists(staging)) {
            staging.toFile().setReadable(true, false);
            Files.move(staging, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(staging);
            System.err.println("pgfence lab: no class-data archive (training exit " + r.exitCode() + "): "
                    + Exec.tail(r.output()));
        }
    }

    /** Identifies a build: the jars' names, sizes and modification times, and the JVM that will map the archive. */
    static String key(List<Path> jars) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Runtime.version().toString().getBytes(StandardCharsets.UTF_8));
            for (Path jar : jars.stream().sorted().toList()) {
                String id = jar.getFileName() + ":" + Files.size(jar) + ":" + Files.getLastModifiedTime(jar).toMillis();
                sha.update(id.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot identify the pgfence distribution: " + e.getMessage(), e);
        }
    }

    /** Removes shared copies of builds older than a day (every rebuild makes a new one). */
    private static void prune(Path tmp) throws IOException {
        long cutoff = System.currentTimeMillis() - KEEP.toMillis();
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith("pgfence-dist-")).toList()) {
                if (Files.getLastModifiedTime(d).toMillis() < cutoff) {
                    delete(d);
                }
            }
        }
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
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
