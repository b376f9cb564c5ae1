package org.pgfence.lab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * docs/deployment.md's install steps on this host, in a temporary /opt/pgfence: copy the distribution, run the
 * class-data training line exactly as documented, and check that the installed launcher
 * (deploy/docker/pgfence.sh) maps pgfence's classes from the archive, for `promote` and with the agent's options.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class InstalledLauncherIT {
    private static final Path DISTRIBUTION = Path.of("target", "pgfence", "lib");

    @Test
    void documentedTrainingMakesAnArchiveTheInstalledLauncherUses(@TempDir Path tmp) throws IOException {
        Path root = repositoryRoot();
        assertThat(DISTRIBUTION).as("the distribution, made by package before the ITs run").isDirectory();
        Path opt = tmp.resolve("opt/pgfence");
        Path lib = Files.createDirectories(opt.resolve("lib"));
        try (Stream<Path> jars = Files.list(DISTRIBUTION)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, lib.resolve(jar.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }

        String training = Files.readAllLines(root.resolve("docs/deployment.md")).stream()
                .filter(l -> l.startsWith("java ") && l.contains("-XX:ArchiveClassesAtExit=")).findFirst()
                .orElseThrow(() -> new AssertionError("docs/deployment.md has no training line"));
        List<String> argv = new ArrayList<>();
        for (String word : training.replace("/opt/pgfence", opt.toString()).split(" ")) {
            argv.add(word.startsWith("'") && word.endsWith("'") ? word.substring(1, word.length() - 1) : word);
        }
        HostTools.Result trained = HostTools.run(Duration.ofMinutes(3), tmp, argv);
        assertThat(trained.exitCode()).as(trained.describe()).isZero();
        assertThat(opt.resolve("pgfence.jsa")).as(trained.describe()).isNotEmptyFile();

        Path launcher = root.resolve("deploy/docker/pgfence.sh");
        Map<String, String> env = Map.of("PGFENCE_LIB", lib.toString(), "JAVA_TOOL_OPTIONS",
                "-Xlog:class+load=info:file=" + tmp.resolve("classes-%p.log"));
        // a config that does not load still runs the promotion it names, and returns that promotion's exit code
        Path broken = Files.writeString(tmp.resolve("broken.yaml"), "clustr: lab\npromote: {command: [/bin/sh, -c, 'exit 7']}\n");
        HostTools.Result promote = HostTools.run(Duration.ofMinutes(1), tmp,
                HostTools.argv("sh", launcher, "promote", "--config", broken), env);
        assertThat(promote.exitCode()).as(promote.describe()).isEqualTo(7);
        assertThat(promote.output()).contains("clustr").contains("running the promotion anyway");
        HostTools.Result agent = HostTools.run(Duration.ofMinutes(1), tmp,
                HostTools.argv("sh", launcher, "agent", "--help"), env);
        assertThat(agent.exitCode()).as(agent.describe()).isZero();

        List<Path> logs;
        try (Stream<Path> files = Files.list(tmp)) {
            logs = files.filter(p -> p.getFileName().toString().startsWith("classes-")).toList();
        }
        assertThat(logs).hasSize(2);
        for (Path log : logs) {
            assertThat(Files.readString(log)).as(log.toString())
                    .contains("org.pgfence.cli.Main source: shared objects file (top)");
        }
    }

    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deploy/docker/pgfence.sh"))) {
                return p;
            }
        }
        throw new AssertionError("no repository root above " + Path.of("").toAbsolutePath());
    }
}
