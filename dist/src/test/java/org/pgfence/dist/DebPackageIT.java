package org.pgfence.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.events.AckStatus;
import org.pgfence.events.AgentHeartbeat;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.lab.drill.Fencing;

/**
 * The .deb installed for real on this machine (as root; purged at the end, and before, if a run left it): what dpkg
 * and postinst leave, the installed units verified, then the installed agent, run as the packaged user with the
 * installed config edited for a real lab, acking a repmgrd failover that {@code pgfence promote} announced; then a
 * higher version installed over it, then a purge. One story: each test starts where the previous one left the host.
 */
@ExtendWith(LabExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class DebPackageIT {
    private static final Duration DPKG = Duration.ofMinutes(2);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Map<String, String> NONINTERACTIVE = Map.of("DEBIAN_FRONTEND", "noninteractive");
    private static final Path LAUNCHER = Path.of("/usr/bin/pgfence");
    private static final Path LIB = Path.of("/usr/share/pgfence/lib");
    private static final Path STATE = Path.of("/var/lib/pgfence");
    private static final Path ARCHIVE = STATE.resolve("pgfence.jsa");
    private static final Path AGENT_CONFIG = Path.of("/etc/pgfence/agent.yaml");
    private static final List<String> UNITS = List.of("pgfence-agent.service", "pgfence-audit.service",
            "pgfence-spool-flush.service", "pgfence-spool-flush.timer");
    private static final String CLUSTER = "lab";
    private static final String NEXT_VERSION = "0.2.1";

    @TempDir
    Path work;
    private Lab lab;
    private Fencing fencing;
    private InstalledAgent agent;

    @BeforeAll
    void purgeWhatAnEarlierRunLeft(Lab lab) {
        Host.requireRoot();
        this.lab = lab;
        purge();
    }

    @AfterAll
    void stopAndPurge() {
        if (agent != null) {
            agent.close();
        }
        if (fencing != null) {
            fencing.close();
        }
        purge();
    }

    @Test
    @Order(1)
    void dpkgInstallsTheCommandItsConffilesUserDirectoriesAndArchive() throws IOException {
        install(Artifacts.deb());
        assertThat(installedVersion()).isEqualTo(Artifacts.version());

        Host.Result version = Host.run(WAIT, LAUNCHER, "--version").orFail();
        assertThat(version.lines().get(0)).isEqualTo("pgfence " + Artifacts.version());
        assertThat(version.lines().get(1)).matches("commit ([0-9a-f]{40}|unknown)( .*)?");
        List<String> commands = TarballInstallIT.commands(Host.run(WAIT, LAUNCHER, "--help").orFail());
        assertThat(commands).containsAll(TarballInstallIT.PRODUCTION_COMMANDS)
                .doesNotContainAnyElementsOf(TarballInstallIT.LAB_COMMANDS);

        String conffiles = Host.run(WAIT, "dpkg-query", "-W", "-f=${Conffiles}", "pgfence").orFail().output();
        assertThat(conffiles.lines().map(String::strip).filter(l -> !l.isEmpty()).map(l -> l.split(" ")[0]))
                .containsExactlyInAnyOrder("/etc/pgfence/agent.yaml", "/etc/pgfence/audit.yaml", "/etc/pgfence/promote.yaml");

        String user = Host.run(WAIT, "getent", "passwd", "pgfence").orFail().output().strip();
        assertThat(user).as("a system user with no login shell").matches("pgfence:x:\\d+:\\d+:.*:/usr/sbin/nologin");
        for (String dir : List.of("agent", "audit")) {
            assertThat(Files.getOwner(STATE.resolve(dir)).getName()).as(dir).isEqualTo("pgfence");
            assertThat(Files.getPosixFilePermissions(STATE.resolve(dir))).as(dir)
                    .doesNotContain(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);
        }
        assertThat(Files.getOwner(STATE.resolve("spool")).getName()).isEqualTo("postgres");
        assertThat(ARCHIVE).isNotEmptyFile();
        assertMapsItsClassesFromTheArchive();
    }

    @Test
    @Order(2)
    void theInstalledUnitsPassSystemdAnalyzeVerify() throws IOException {
        List<Object> argv = new java.util.ArrayList<>(List.of("systemd-analyze", "verify"));
        for (String unit : UNITS) {
            Path installed = Path.of("/lib/systemd/system", unit);
            assertThat(installed).isRegularFile();
            if (unit.endsWith(".service")) {
                assertThat(Files.readString(installed)).contains("ExecStart=" + LAUNCHER + " ");
            }
            argv.add(installed);
        }
        Host.Result verify = Host.run(WAIT, argv.toArray());
        // verify exits 0 even for unknown keys or unparseable values; it only prints them: demand silence
        assertThat(verify.exitCode()).as(verify.describe()).isZero();
        assertThat(verify.output().strip()).as(verify.describe()).isEmpty();
    }

    @Test
    @Order(3)
    void theInstalledAgentRunAsPgfenceAcksARealFailover() throws IOException {
        String prefix = "dist-" + UUID.randomUUID().toString().substring(0, 8);
        fencing = new Fencing(lab, new DrillConfigs(lab, CLUSTER, prefix, Duration.ofSeconds(5), false),
                Clock.systemUTC()).start(false, false); // repmgrd's promote_command is `pgfence promote` now
        LabPgbouncer pgb = lab.pgbouncer(1);
        editInstalledConfigFor(pgb);
        agent = InstalledAgent.start(LAUNCHER, AGENT_CONFIG, "postgres", lab.dir().resolve("logs/installed-agent.log"));

        FencingAck first = awaitAck(pgb, a -> a.eventId() == null);
        assertThat(rw(first)).as(agent.logTail()).isEqualTo("node1");
        AgentHeartbeat heartbeat = await().atMost(WAIT).until(() -> fencing.watch().events(AgentHeartbeat.class,
                h -> h.host().equals(pgb.host())).stream().findFirst(), Optional::isPresent).orElseThrow();
        assertThat(heartbeat.version()).isEqualTo(Artifacts.version());
        assertThat(agent.commandLine()).contains("-cp " + LIB + "/*").contains("-XX:SharedArchiveFile=");

        lab.stopNode(1);
        LabNode promoted = lab.awaitSinglePrimary(1, WAIT);
        MasterPromoted event = await().atMost(WAIT).until(() -> fencing.watch().events(MasterPromoted.class,
                m -> m.cluster().equals(CLUSTER) && m.epoch().timeline() > 1).stream().findFirst(), Optional::isPresent)
                .orElseThrow();
        FencingAck answer = awaitAck(pgb, a -> event.eventId().equals(a.eventId()));
        assertThat(answer.status()).as(answer.toString()).isIn(AckStatus.APPLIED, AckStatus.UNCHANGED);
        assertThat(rw(answer)).isEqualTo(promoted.name());
        FencingAck applied = awaitAck(pgb, a -> a.status() == AckStatus.APPLIED && rw(a).equals(promoted.name()));
        assertThat(applied.epoch()).isEqualTo(event.epoch());
        assertThat(Fencing.target(pgb, "appdb-rw")).isEqualTo(promoted.address() + ":" + promoted.pgPort());
        System.out.printf("installed agent: acked %s for %s (rw -> %s); RSS %d kB; %s%n", answer.status(),
                event.eventId(), promoted.name(), agent.rssKb(), agent.commandLine());
    }

    @Test
    @Order(4)
    void aHigherVersionReplacesEveryJarAndKeepsTheEditedConfig() throws IOException {
        agent.close(); // as prerm does under systemd
        String edited = Files.readString(AGENT_CONFIG);
        List<String> before = jars();
        Path next = Repack.withVersion(Artifacts.deb(), Artifacts.version(), NEXT_VERSION, work);

        install(next);
        assertThat(installedVersion()).isEqualTo(NEXT_VERSION);
        List<String> after = jars();
        assertThat(after).as("no jar of " + Artifacts.version() + " is left").noneMatch(j -> j.contains(Artifacts.version()));
        assertThat(after).hasSameSizeAs(before).containsAll(Artifacts.PRODUCTION_MODULES.stream()
                .map(m -> "pgfence-" + m + "-" + NEXT_VERSION + ".jar").toList());
        List<String> owned = Host.run(WAIT, "dpkg", "-L", "pgfence").orFail().lines().stream()
                .filter(l -> l.startsWith(LIB + "/")).map(l -> l.substring(LIB.toString().length() + 1)).sorted().toList();
        assertThat(after).as("every jar in lib/ is the package's").isEqualTo(owned);
        assertThat(Files.readString(AGENT_CONFIG)).as("the edited conffile is kept").isEqualTo(edited);
        assertThat(ARCHIVE).as("trained again for the new jars").isNotEmptyFile();
        assertMapsItsClassesFromTheArchive();
    }

    @Test
    @Order(5)
    void purgeRemovesConfigsStateAndArchiveAndKeepsTheUser() {
        Host.run(DPKG, Path.of("/"), NONINTERACTIVE, Host.argv("dpkg", "--purge", "pgfence")).orFail();
        assertThat(Host.run(WAIT, "dpkg-query", "-W", "pgfence").exitCode()).isNotZero();
        for (Path gone : List.of(LAUNCHER, LIB.getParent(), Path.of("/etc/pgfence"), STATE,
                Path.of("/lib/systemd/system/pgfence-agent.service"))) {
            assertThat(Files.exists(gone, java.nio.file.LinkOption.NOFOLLOW_LINKS)).as(gone.toString()).isFalse();
        }
        assertThat(Host.run(WAIT, "getent", "passwd", "pgfence").exitCode()).as("the user is kept").isZero();
    }

    /** dpkg -i; apt-get -f install only when a dependency is missing (a Java 17 runtime usually is not). */
    private static void install(Path deb) {
        Host.Result dpkg = Host.run(DPKG, Path.of("/"), NONINTERACTIVE, Host.argv("dpkg", "-i", deb));
        if (dpkg.exitCode() != 0 && dpkg.output().contains("dependency problems")) {
            Host.run(Duration.ofMinutes(5), Path.of("/"), NONINTERACTIVE,
                    Host.argv("apt-get", "-f", "install", "-y", "-q")).orFail();
        } else {
            dpkg.orFail();
        }
    }

    private static String installedVersion() {
        return Host.run(WAIT, "dpkg-query", "-W", "-f=${Status} ${Version}", "pgfence").orFail().output()
                .replace("install ok installed ", "");
    }

    private static void purge() {
        if (Host.run(WAIT, "dpkg-query", "-W", "pgfence").exitCode() == 0) {
            Host.run(DPKG, Path.of("/"), NONINTERACTIVE, Host.argv("dpkg", "--purge", "pgfence")).orFail();
        }
    }

    private static List<String> jars() throws IOException {
        try (Stream<Path> files = Files.list(LIB)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The installed launcher maps pgfence's classes from the archive postinst trained, for promote and the agent. */
    private static void assertMapsItsClassesFromTheArchive() {
        Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info");
        for (String command : List.of("promote", "agent")) {
            Host.Result help = Host.run(WAIT, Path.of("/"), env, Host.argv(LAUNCHER, command, "--help"));
            assertThat(help.output()).as(command).contains("org.pgfence.cli.Main source: shared objects file (top)");
        }
    }

    /** /etc/pgfence/agent.yaml becomes the lab's agent config for {@code pgb}, with the package's state directory. */
    private void editInstalledConfigFor(LabPgbouncer pgb) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        @SuppressWarnings("unchecked")
        Map<String, Object> config = yaml.readValue(fencing.configs().agentConfig(pgb).toFile(), Map.class);
        config.put("stateDir", STATE.resolve("agent").toString());
        yaml.writeValue(AGENT_CONFIG.toFile(), config);
        // As on a deployed host the database ini is the agent's own (the agent keeps a file's owner, which only its
        // owner can); the lab's pgbouncer directory stays postgres', writable to the agent through that group.
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(pgb.dir());
        mode.add(PosixFilePermission.GROUP_WRITE);
        Files.setPosixFilePermissions(pgb.dir(), mode);
        Host.run(WAIT, "chown", "pgfence:", pgb.databaseIni()).orFail();
    }

    private FencingAck awaitAck(LabPgbouncer pgb, java.util.function.Predicate<FencingAck> filter) {
        try {
            return await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> fencing.watch()
                    .events(FencingAck.class, a -> a.host().equals(pgb.host()) && filter.test(a)).stream().findFirst(),
                    Optional::isPresent).orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no such ack from the installed agent of " + pgb.host() + " within "
                    + WAIT.toSeconds() + " s; its log ends:\n" + agent.logTail(), e);
        }
    }

    private static String rw(FencingAck ack) {
        return ack.targets().stream().filter(t -> t.database().equals("appdb-rw")).findFirst()
                .map(t -> DatabaseTarget.ROUTED.equals(t.state()) && t.node() != null ? t.node().name() : t.state())
                .orElse("none");
    }
}
