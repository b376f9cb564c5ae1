package org.pgfence.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball installed as docs/deployment.md says, on a throwaway prefix instead of /opt: it runs from anywhere
 * (through a link, as /usr/local/bin/pgfence), names its version and commit, offers no lab command; the documented
 * training line makes an archive the launcher maps for promote and for the agent; the lab tarball unpacked on top
 * adds the lab's commands.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class TarballInstallIT {
    private static final Duration RUN = Duration.ofMinutes(1);
    static final List<String> LAB_COMMANDS = List.of("lab", "demo", "bench", "torture", "fleet", "kafka-floor");
    static final List<String> PRODUCTION_COMMANDS = List.of("promote", "notify", "spool", "agent", "render", "apply",
            "audit");

    @Test
    void unpackedOnAThrowawayPrefixItNamesItsVersionAndCommitAndOffersNoLabCommand(@TempDir Path tmp) throws IOException {
        Path home = unpack(Artifacts.tarball(), tmp.resolve("opt"));
        assertThat(home.resolve("bin/pgfence")).isExecutable();
        for (String f : List.of("etc/agent.yaml", "etc/audit.yaml", "etc/promote.yaml", "systemd/pgfence-agent.service",
                "systemd/pgfence-audit.service", "systemd/pgfence-spool-flush.timer", "repmgr/repmgr.conf.pgfence",
                "README.md", "docs/deployment.md")) {
            assertThat(home.resolve(f)).as(f).isRegularFile();
        }
        Path linked = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("usr/local/bin")).resolve("pgfence"),
                home.resolve("bin/pgfence"));

        Host.Result version = Host.run(RUN, linked, "--version").orFail();
        assertThat(version.lines().get(0)).isEqualTo("pgfence " + Artifacts.version());
        assertThat(version.lines().get(1)).matches("commit ([0-9a-f]{40}|unknown)( \\(with uncommitted changes\\))?");
        Host.Result head = Host.run(RUN, "git", "-C", Artifacts.repositoryRoot(), "rev-parse", "HEAD");
        if (head.exitCode() == 0) {
            assertThat(version.lines().get(1)).as("built from this checkout").startsWith("commit " + head.output().strip());
        }

        List<String> commands = commands(Host.run(RUN, linked, "--help").orFail());
        assertThat(commands).containsAll(PRODUCTION_COMMANDS).doesNotContainAnyElementsOf(LAB_COMMANDS);
    }

    @Test
    void theDocumentedTrainingMakesAnArchiveTheLauncherMapsForPromoteAndTheAgent(@TempDir Path tmp) throws IOException {
        Path opt = tmp.resolve("opt");
        Path home = unpack(Artifacts.tarball(), opt);
        Host.Result trained = Host.run(Duration.ofMinutes(2), tmp, Map.of(), documentedTraining(opt));
        assertThat(trained.exitCode()).as(trained.describe()).isZero();
        assertThat(home.resolve("pgfence.jsa")).as(trained.describe()).isNotEmptyFile();

        Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + tmp.resolve("classes-%p.log"));
        // a config that does not load still runs the promotion it names, and returns that promotion's exit code
        Path broken = Files.writeString(tmp.resolve("broken.yaml"), "clustr: lab\npromote: {command: [/bin/sh, -c, 'exit 7']}\n");
        Host.Result promote = Host.run(RUN, tmp, env,
                Host.argv(home.resolve("bin/pgfence"), "promote", "--config", broken));
        assertThat(promote.exitCode()).as(promote.describe()).isEqualTo(7);
        assertThat(promote.output()).contains("clustr").contains("running the promotion anyway");
        Host.Result agent = Host.run(RUN, tmp, env, Host.argv(home.resolve("bin/pgfence"), "agent", "--help"));
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

    @Test
    void theLabTarballUnpackedOnTopAddsTheLabsCommands(@TempDir Path tmp) throws IOException {
        Path opt = tmp.resolve("opt");
        Path home = unpack(Artifacts.tarball(), opt);
        assertThat(unpack(Artifacts.labTarball(), opt)).isEqualTo(home);
        List<String> commands = commands(Host.run(RUN, home.resolve("bin/pgfence"), "--help").orFail());
        assertThat(commands).containsAll(PRODUCTION_COMMANDS).containsAll(LAB_COMMANDS);
        Host.Result lab = Host.run(RUN, home.resolve("bin/pgfence"), "lab", "--help").orFail();
        assertThat(lab.output()).startsWith("Usage: pgfence lab");
    }

    /** Unpacks {@code tarball} into {@code dir} as the docs say ({@code tar -xzf ... -C /opt}); returns its directory. */
    static Path unpack(Path tarball, Path dir) throws IOException {
        Files.createDirectories(dir);
        Host.run(RUN, "tar", "-xzf", tarball, "-C", dir).orFail();
        return dir.resolve(Artifacts.topDirectory());
    }

    /** The command names {@code pgfence --help} lists under "Commands:". */
    static List<String> commands(Host.Result help) {
        List<String> names = new ArrayList<>();
        boolean inCommands = false;
        for (String line : help.lines()) {
            if (line.equals("Commands:")) {
                inCommands = true;
            } else if (inCommands && line.matches("^  [a-z][a-z-]*( .*)?$")) {
                names.add(line.strip().split(" ")[0]);
            } else if (inCommands && !line.startsWith("   ")) {
                inCommands = false;
            }
        }
        return names;
    }

    /** docs/deployment.md's training line for the tarball, with {@code /opt} moved to {@code opt}. */
    static List<String> documentedTraining(Path opt) throws IOException {
        String line = Files.readAllLines(Artifacts.repositoryRoot().resolve("docs/deployment.md")).stream()
                .filter(l -> l.startsWith("java ") && l.contains("-XX:ArchiveClassesAtExit=/opt/")).findFirst()
                .orElseThrow(() -> new AssertionError("docs/deployment.md has no training line for the tarball"));
        List<String> argv = new ArrayList<>();
        for (String word : line.replace("/opt/", opt + "/").replace("$v", Artifacts.version()).split(" ")) {
            boolean quoted = word.length() > 1 && (word.startsWith("'") && word.endsWith("'")
                    || word.startsWith("\"") && word.endsWith("\""));
            argv.add(quoted ? word.substring(1, word.length() - 1) : word);
        }
        return argv;
    }
}
