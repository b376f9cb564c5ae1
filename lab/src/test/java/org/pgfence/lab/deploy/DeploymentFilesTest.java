package org.pgfence.lab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be proven about the deployment files on a machine without a Docker engine or a systemd PID 1:
 * the compose file passes docker-compose's own validation and our rules (health checks, pinned tags,
 * mounted files exist), the systemd units pass {@code systemd-analyze verify} and carry their hardening,
 * and the shell scripts parse. Images are never built or run here (docs/deployment.md).
 */
class DeploymentFilesTest {
    private static final Path DOCKER_COMPOSE = Path.of("/usr/bin/docker-compose");
    private static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");
    private static final Path INSTALLED_PGFENCE = Path.of("/usr/local/bin/pgfence");
    /** The launcher of the release artifacts (the .deb's /usr/bin/pgfence, the tarball's bin/pgfence). */
    private static final String INSTALLED_LAUNCHER = "dist/src/main/dist/bin/pgfence";
    /** A pinned tag names at least major.minor ("15.10-bookworm", "4.1.0"); "latest", "15", "bookworm" float. */
    private static final Pattern PINNED_TAG = Pattern.compile(".*\\d+\\.\\d+.*");
    private static final Pattern FROM = Pattern.compile("(?im)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> UNITS = List.of("pgfence-agent.service", "pgfence-audit.service");

    private static Path root;
    private static JsonNode services;

    @BeforeAll
    static void readCompose() throws IOException {
        root = repositoryRoot();
        services = YAML.readTree(root.resolve("docker-compose.yml").toFile()).path("services");
    }

    @Test
    void composeFilePassesDockerComposeValidation() throws IOException {
        Path compose = HostTools.ensure(DOCKER_COMPOSE, "docker-compose");
        HostTools.Result r = HostTools.run(Duration.ofMinutes(2), root,
                HostTools.argv(compose, "-f", root.resolve("docker-compose.yml"), "config", "-q"));
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    @Test
    void composeDescribesTheWholeTopology() {
        assertThat(names(services)).contains("kafka", "node1", "node2", "node3", "pgbouncer1", "pgbouncer2",
                "pgbouncer3", "agent1", "agent2", "agent3", "audit", "audit-db");
        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:4.1.0");
    }

    @Test
    void everyServiceHasAHealthcheck() {
        assertThat(services.size()).isGreaterThan(0);
        services.fields().forEachRemaining(s -> {
            JsonNode hc = s.getValue().path("healthcheck");
            assertThat(hc.path("test").isArray() && hc.path("test").size() > 1)
                    .as("service %s needs a healthcheck with a test command", s.getKey()).isTrue();
            assertThat(hc.path("disable").asBoolean(false)).as("healthcheck of %s is disabled", s.getKey()).isFalse();
        });
    }

    @Test
    void everyImageTagIsPinned() {
        services.fields().forEachRemaining(s -> {
            String image = s.getValue().path("image").asText("");
            assertThat(image).as("service %s must name its image (also when it is built)", s.getKey()).isNotBlank();
            assertPinned(image, "service " + s.getKey());
        });
    }

    @Test
    void everyDockerfileBaseImageIsPinned() throws IOException {
        List<Path> dockerfiles;
        try (Stream<Path> files = Files.walk(root.resolve("deploy/docker"))) {
            dockerfiles = files.filter(p -> p.getFileName().toString().equals("Dockerfile")).toList();
        }
        assertThat(dockerfiles).hasSize(3);
        for (Path dockerfile : dockerfiles) {
            List<String> stages = new ArrayList<>();
            Matcher m = FROM.matcher(Files.readString(dockerfile));
            int froms = 0;
            while (m.find()) {
                froms++;
                if (!stages.contains(m.group(1))) {
                    assertPinned(m.group(1), root.relativize(dockerfile).toString());
                }
                if (m.group(2) != null) {
                    stages.add(m.group(2));
                }
            }
            assertThat(froms).as("FROM lines in %s", dockerfile).isPositive();
        }
    }

    @Test
    void everyBuiltServiceUsesADockerfileThatExists() {
        services.fields().forEachRemaining(s -> {
            JsonNode build = s.getValue().path("build");
            if (!build.isMissingNode()) {
                Path context = root.resolve(build.path("context").asText("."));
                assertThat(context.resolve(build.path("dockerfile").asText("Dockerfile")))
                        .as("dockerfile of %s", s.getKey()).isRegularFile();
            }
        });
    }

    @Test
    void everyBindMountedFileExistsUnderDeployConfig() {
        List<String> sources = new ArrayList<>();
        services.fields().forEachRemaining(s -> s.getValue().path("volumes").forEach(v -> {
            String source = v.asText().split(":")[0];
            if (source.startsWith(".")) {
                sources.add(source);
                assertThat(root.resolve(source).normalize()).as("mount of %s", s.getKey()).isRegularFile();
            }
        }));
        assertThat(sources).isNotEmpty().allMatch(s -> s.startsWith("./deploy/config/"));
        assertThat(sources).contains("./deploy/config/promote.yaml", "./deploy/config/agent.yaml",
                "./deploy/config/audit.yaml");
    }

    @Test
    void theComposePgbouncerAsksForALoginTheAgentSpeaks() throws IOException {
        // auth_type scram-sha-256 stood here while the agent's admin client spoke only trust, plain and md5
        List<String> ini = Files.readAllLines(root.resolve("deploy/config/compose/pgbouncer/pgbouncer.ini"));
        String authType = ini.stream().filter(l -> l.startsWith("auth_type")).map(l -> l.split("=", 2)[1].trim())
                .findFirst().orElseThrow();
        assertThat(org.pgfence.pgbouncer.SimpleQueryClient.AUTH_TYPES).contains(authType);
        assertThat(ini).anyMatch(l -> l.matches("admin_users\\s*=\\s*pgfence"));
        assertThat(services.path("agent1").path("environment").path("PGFENCE_PGBOUNCER_ADMIN_PASSWORD").asText())
                .isEqualTo(passwordIn(root.resolve("deploy/config/compose/pgbouncer/userlist.txt"), "pgfence"));
    }

    private static String passwordIn(Path userlist, String user) throws IOException {
        return Files.readAllLines(userlist).stream().filter(l -> l.startsWith("\"" + user + "\" "))
                .map(l -> l.substring(user.length() + 4, l.length() - 1)).findFirst().orElseThrow();
    }

    @Test
    void everyNodeRunsThePgfenceHooksOfTheSnippet() throws IOException {
        List<String> hooks = Files.readAllLines(root.resolve("deploy/repmgr/repmgr.conf.pgfence")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(hooks).anyMatch(l -> l.startsWith("promote_command='/usr/local/bin/pgfence promote --config "))
                .anyMatch(l -> l.startsWith("event_notification_command='/usr/local/bin/pgfence notify --config ")
                        && l.contains("--node-id %n --event %e --success %s --timestamp \"%t\" --details \"%d\""
                        + " --primary \"%p\"")
                        // repmgr waits for the command: in the foreground it would hold up every promotion
                        && l.endsWith(" &'"))
                .contains("event_notifications=" + org.pgfence.producer.repmgr.RepmgrEvent.EVENT_NOTIFICATIONS);
        for (String node : List.of("node1", "node2", "node3")) {
            List<String> conf = Files.readAllLines(root.resolve("deploy/config/compose/repmgr/" + node + ".conf"));
            assertThat(conf).as(node).containsAll(hooks).contains("node_name='" + node + "'");
        }
    }

    @Test
    void systemdUnitsPassSystemdAnalyzeVerify(@TempDir Path tmp) throws IOException {
        Path analyze = HostTools.ensure(SYSTEMD_ANALYZE, "systemd");
        // The units name /usr/local/bin/pgfence, which only an installed host has. Verify copies whose
        // ExecStart points at an executable stand-in; everything else is verified as shipped.
        Path stand = Files.writeString(tmp.resolve("pgfence"), "#!/bin/sh\nexit 0\n");
        assertThat(stand.toFile().setExecutable(true)).isTrue();
        List<String> argv = HostTools.argv(analyze, "verify");
        for (String unit : UNITS) {
            String text = Files.readString(unitPath(unit));
            assertThat(text).contains("ExecStart=" + INSTALLED_PGFENCE + " ");
            argv.add(Files.writeString(tmp.resolve(unit), text.replace(INSTALLED_PGFENCE.toString(),
                    stand.toString())).toString());
        }
        HostTools.Result r = HostTools.run(Duration.ofMinutes(1), tmp, argv);
        // verify exits 0 even for unknown keys or unparseable values; it only prints them: demand silence.
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.output().strip()).as(r.describe()).isEmpty();
    }

    @Test
    void shippedUnitsFailVerifyOnlyForTheMissingBinary() throws IOException {
        Path analyze = HostTools.ensure(SYSTEMD_ANALYZE, "systemd");
        List<String> argv = HostTools.argv(analyze, "verify");
        UNITS.forEach(u -> argv.add(unitPath(u).toString()));
        HostTools.Result r = HostTools.run(Duration.ofMinutes(1), root, argv);
        List<String> lines = r.output().lines().filter(l -> !l.isBlank()).toList();
        if (Files.isExecutable(INSTALLED_PGFENCE)) {
            assertThat(lines).as(r.describe()).isEmpty();
        } else {
            assertThat(lines).as(r.describe()).hasSize(UNITS.size())
                    .allMatch(l -> l.contains("Command " + INSTALLED_PGFENCE + " is not executable"));
        }
    }

    @Test
    void agentUnitIsHardenedAndWritesOnlyItsIniDirectoryAndState() throws IOException {
        Map<String, List<String>> unit = service("pgfence-agent.service");
        assertHardened(unit);
        assertThat(unit.get("ExecStart")).containsExactly("/usr/local/bin/pgfence agent --config /etc/pgfence/agent.yaml");
        assertThat(unit.get("ReadWritePaths")).containsExactly("/etc/pgbouncer/pgfence /var/lib/pgfence/agent");
        assertThat(unit.get("ExecReload")).containsExactly("/bin/kill -HUP $MAINPID");
        assertThat(unit).as("the agent runs with the launcher's measured agent options").doesNotContainKey("Environment");
    }

    @Test
    void installedLauncherUsesTheJvmOptionsOfBinPgfence() throws IOException {
        String dev = Files.readString(root.resolve("bin/pgfence"));
        String installed = Files.readString(root.resolve(INSTALLED_LAUNCHER));
        Pattern options = Pattern.compile("(?m)^ *(agent|\\*)\\) default_opts=\"([^\"]+)\" ;;$");
        Map<String, String> devOptions = new LinkedHashMap<>();
        Map<String, String> installedOptions = new LinkedHashMap<>();
        for (Matcher m = options.matcher(dev); m.find(); ) {
            devOptions.put(m.group(1), m.group(2));
        }
        for (Matcher m = options.matcher(installed); m.find(); ) {
            installedOptions.put(m.group(1), m.group(2));
        }
        assertThat(devOptions).containsOnlyKeys("agent", "*");
        assertThat(installedOptions).isEqualTo(devOptions);
        assertThat(installed).contains("export MALLOC_ARENA_MAX=\"${MALLOC_ARENA_MAX:-2}\"");
    }

    @Test
    void auditUnitIsHardenedAndWritesOnlyItsState() throws IOException {
        Map<String, List<String>> unit = service("pgfence-audit.service");
        assertHardened(unit);
        assertThat(unit.get("ExecStart")).containsExactly("/usr/local/bin/pgfence audit --config /etc/pgfence/audit.yaml");
        assertThat(unit.get("ReadWritePaths")).containsExactly("/var/lib/pgfence/audit");
        assertThat(unit).doesNotContainKey("ExecReload");
    }

    @Test
    void imagesAreBuiltFromTheReleaseTarballOfThisVersionWithNoMavenInside() throws IOException {
        String version = org.pgfence.cli.Version.current();
        for (String dockerfile : List.of("deploy/docker/Dockerfile", "deploy/docker/node/Dockerfile")) {
            String text = Files.readString(root.resolve(dockerfile));
            assertThat(text).as(dockerfile).contains("ARG PGFENCE_VERSION=" + version + "\n")
                    .contains("ADD dist/target/pgfence-${PGFENCE_VERSION}.tar.gz /opt/\n");
            assertThat(text.lines().filter(l -> !l.startsWith("#"))).as(dockerfile + ", comments aside")
                    .noneMatch(l -> l.contains("mvn ") || l.toLowerCase(java.util.Locale.ROOT).startsWith("from maven"));
        }
        assertThat(Files.readAllLines(root.resolve(".dockerignore"))).as("the tarball is in the build context")
                .containsSubsequence("**/target/", "!dist/target/pgfence-[0-9]*.tar.gz");
    }

    @Test
    void shellScriptsParse() throws IOException {
        List<Path> scripts;
        try (Stream<Path> files = Files.walk(root.resolve("deploy/docker"))) {
            scripts = new ArrayList<>(files.filter(p -> p.toString().endsWith(".sh")).toList());
        }
        assertThat(scripts).hasSize(2);
        scripts.add(root.resolve(INSTALLED_LAUNCHER));
        for (Path script : scripts) {
            assertThat(script).isExecutable();
            String shell = Files.readAllLines(script).get(0).contains("bash") ? "bash" : "sh";
            HostTools.Result r = HostTools.run(Duration.ofSeconds(30), root, HostTools.argv(shell, "-n", script));
            assertThat(r.exitCode()).as(r.describe()).isZero();
        }
    }

    private static void assertHardened(Map<String, List<String>> unit) {
        Map<String, String> required = new LinkedHashMap<>();
        required.put("User", "pgfence");
        required.put("Restart", "on-failure");
        required.put("ProtectSystem", "strict");
        required.put("ProtectHome", "yes");
        required.put("PrivateTmp", "yes");
        required.put("NoNewPrivileges", "yes");
        required.put("PrivateDevices", "yes");
        required.put("CapabilityBoundingSet", "");
        required.put("RestrictSUIDSGID", "yes");
        required.put("RestartPreventExitStatus", "2 3");
        required.forEach((key, value) -> assertThat(unit.get(key)).as(key).containsExactly(value));
    }

    /** The [Service] section of a unit: key to every value it is given, in order. */
    private static Map<String, List<String>> service(String unit) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String section = "";
        for (String raw : Files.readAllLines(unitPath(unit))) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                section = line;
            } else if (section.equals("[Service]") && !line.isEmpty() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                out.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        return out;
    }

    private static Path unitPath(String unit) {
        return root.resolve("deploy/systemd").resolve(unit);
    }

    private static void assertPinned(String image, String where) {
        assertThat(image).as("%s: image %s must not float", where, image).doesNotContain(":latest");
        if (image.contains("@sha256:")) {
            return;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        assertThat(colon).as("%s: image %s has no tag", where, image).isGreaterThan(slash);
        assertThat(image.substring(colon + 1)).as("%s: tag of %s is not a pinned version", where, image)
                .matches(PINNED_TAG);
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The test runs in lab/; the repository root is the topmost directory with a pom.xml above it. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        Path found = null;
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml"))) {
                found = p;
            }
        }
        assertThat(found).as("no pom.xml above %s", dir).isNotNull();
        assertThat(found.resolve("docker-compose.yml")).isRegularFile();
        return found;
    }
}
