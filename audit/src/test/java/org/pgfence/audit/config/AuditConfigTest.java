package org.pgfence.audit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ConfigReader;

class AuditConfigTest {
    @TempDir
    Path dir;

    private static Map<String, Object> minimal() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("kafka", Map.of("bootstrapServers", "127.0.0.1:9092"));
        tree.put("store", new LinkedHashMap<>(Map.of("jdbcUrl", "jdbc:postgresql://127.0.0.1:5432/audit",
                "user", "audit")));
        return tree;
    }

    private static AuditConfig read(Map<String, Object> tree, Map<String, String> env) throws ConfigException {
        return AuditConfigReader.read(ConfigReader.of("test", tree, env));
    }

    private static ConfigException problems(Map<String, Object> tree) {
        try {
            read(tree, Map.of());
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected the config to be rejected");
    }

    private Map<String, Object> sshEnabled() throws Exception {
        Path key = Files.writeString(dir.resolve("id_ed25519"), "key");
        Path known = Files.writeString(dir.resolve("known_hosts"), "[127.0.0.12]:2222 ssh-ed25519 AAAA");
        Map<String, Object> ssh = new LinkedHashMap<>(Map.of("enabled", true, "user", "postgres", "port", 2222,
                "privateKey", key.toString(), "knownHosts", known.toString()));
        Map<String, Object> host = new LinkedHashMap<>(Map.of("address", "127.0.0.12",
                "pgfenceCommand", "/opt/pgfence/bin/pgfence", "agentConfig", "/etc/pgfence/agent.yaml",
                "databaseIni", "/tmp/lab/pgb2/pgbouncer.database.ini", "admin", Map.of("user", "postgres")));
        Map<String, Object> rem = new LinkedHashMap<>();
        rem.put("ssh", ssh);
        rem.put("hosts", new LinkedHashMap<>(Map.of("pgb2", host)));
        Map<String, Object> tree = minimal();
        tree.put("remediation", rem);
        return tree;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sshOf(Map<String, Object> tree) {
        return (Map<String, Object>) ((Map<String, Object>) tree.get("remediation")).get("ssh");
    }

    @Test
    void minimalConfigTakesTheDocumentedDefaults() throws Exception {
        AuditConfig c = read(minimal(), Map.of());
        assertThat(c.groupId()).isEqualTo("pgfence-audit");
        assertThat(c.kafka().topics().prefix()).isEqualTo("pgfence");
        assertThat(c.deadline()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.heartbeatTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.checkInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.http()).isEqualTo(new HttpSettings("127.0.0.1", 9181));
        SshSettings ssh = c.remediation().ssh();
        assertThat(ssh.enabled()).isFalse();
        assertThat(ssh.port()).isEqualTo(22);
        assertThat(ssh.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ssh.commandTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(ssh.maxAttempts()).isEqualTo(2);
        assertThat(c.store().password().isSet()).isFalse();
    }

    @Test
    void missingJdbcUrlAndBootstrapAreNamed() {
        ConfigException e = problems(new LinkedHashMap<>());
        assertThat(e.problems()).contains("Missing value for store.jdbcUrl: it is required",
                "Missing value for kafka.bootstrapServers: it is required");
    }

    @Test
    void strictHostKeyCheckingCannotBeTurnedOff() throws Exception {
        Map<String, Object> tree = sshEnabled();
        sshOf(tree).put("strictHostKeyChecking", "no");
        ConfigException e = problems(tree);
        assertThat(e.problems()).singleElement().asString()
                .contains("remediation.ssh.strictHostKeyChecking")
                .contains("always on and cannot be configured or turned off");
    }

    @Test
    void strictHostKeyCheckingIsRejectedEvenWhenRemediationIsOff() {
        Map<String, Object> tree = minimal();
        tree.put("remediation", Map.of("ssh", Map.of("StrictHostKeyChecking", "yes")));
        assertThat(problems(tree).problems()).singleElement().asString().contains("always on");
    }

    @Test
    void enabledSshNamesEveryMissingKeyPath() throws Exception {
        Map<String, Object> tree = sshEnabled();
        sshOf(tree).remove("privateKey");
        sshOf(tree).put("knownHosts", dir.resolve("absent_known_hosts").toString());
        assertThat(problems(tree).problems()).containsExactlyInAnyOrder(
                "Invalid remediation.ssh.privateKey: is required when remediation.ssh.enabled is true",
                "Invalid value '" + dir.resolve("absent_known_hosts") + "' for remediation.ssh.knownHosts: no such file");
    }

    @Test
    void enabledSshWithoutHostsIsRejected() throws Exception {
        Map<String, Object> tree = sshEnabled();
        @SuppressWarnings("unchecked")
        Map<String, Object> rem = (Map<String, Object>) tree.get("remediation");
        rem.remove("hosts");
        assertThat(problems(tree).problems()).singleElement().asString().contains("no host is configured");
    }

    @Test
    void remoteHostsAreReadByNameAndTheirPre020KeysStillLoad() throws Exception {
        // sshEnabled() carries databaseIni and admin, which 0.1 needed: an upgraded audit.yaml still starts
        AuditConfig c = read(sshEnabled(), Map.of());
        RemoteHost h = c.remediation().host("pgb2").orElseThrow();
        assertThat(h).isEqualTo(new RemoteHost("pgb2", "127.0.0.12", "/opt/pgfence/bin/pgfence", "/etc/pgfence/agent.yaml", null));
        assertThat(c.remediation().ssh().port()).isEqualTo(2222);
    }

    @Test
    void remotePathsThatCouldInjectShellAreRejected() throws Exception {
        Map<String, Object> tree = sshEnabled();
        @SuppressWarnings("unchecked")
        Map<String, Object> host = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                tree.get("remediation")).get("hosts")).get("pgb2");
        host.put("agentConfig", "/etc/agent.yaml; rm -rf /");
        host.put("pgfenceCommand", "pgfence");
        host.put("tpyo", "x");
        assertThat(problems(tree).problems()).hasSize(3)
                .anySatisfy(p -> assertThat(p).contains("remediation.hosts.pgb2.agentConfig"))
                .anySatisfy(p -> assertThat(p).contains("remediation.hosts.pgb2.pgfenceCommand"))
                .anySatisfy(p -> assertThat(p).isEqualTo("Unknown key 'remediation.hosts.pgb2.tpyo'"));
    }

    @Test
    void passwordNeverAppearsInToStringOrMaskedOutput() throws Exception {
        Map<String, Object> tree = sshEnabled();
        @SuppressWarnings("unchecked")
        Map<String, Object> store = (Map<String, Object>) tree.get("store");
        store.put("password", "hunter2-inline");
        store.put("jdbcUrl", "jdbc:postgresql://127.0.0.1/audit?password=hunter2-url&ssl=false");
        AuditConfig c = read(tree, Map.of());
        assertThat(c.store().password().reveal()).isEqualTo("hunter2-inline");
        assertThat(c.toString()).doesNotContain("hunter2").contains("****");
        assertThat(c.describe()).doesNotContain("hunter2");
        assertThat(c.masked().values()).noneMatch(v -> v.contains("hunter2"));
        assertThat(c.store().toString()).doesNotContain("hunter2");
        assertThat(c.masked()).containsEntry("store.password", "****");
    }

    @Test
    void passwordComesFromTheEnvironment() throws Exception {
        AuditConfig c = read(minimal(), Map.of("PGFENCE_STORE_PASSWORD", "from-env"));
        assertThat(c.store().password().reveal()).isEqualTo("from-env");
        assertThat(c.describe()).doesNotContain("from-env");
    }

    @Test
    void passwordComesFromAFileWithoutItsNewline() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "s3cret-file\n");
        Map<String, Object> tree = minimal();
        @SuppressWarnings("unchecked")
        Map<String, Object> store = (Map<String, Object>) tree.get("store");
        store.put("passwordFile", file.toString());
        AuditConfig c = read(tree, Map.of());
        assertThat(c.store().password().reveal()).isEqualTo("s3cret-file");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void passwordAndPasswordFileTogetherAreRejected() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "x");
        Map<String, Object> tree = minimal();
        @SuppressWarnings("unchecked")
        Map<String, Object> store = (Map<String, Object>) tree.get("store");
        store.put("passwordFile", file.toString());
        Map<String, String> env = new HashMap<>(Map.of("PGFENCE_STORE_PASSWORD", "y"));
        assertThatThrownBy(() -> read(tree, env)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).singleElement().asString().contains("not both")
                        .doesNotContain("y'"));
    }

    @Test
    void badDurationsAndNonPostgresUrlsAreNamed() {
        Map<String, Object> tree = minimal();
        tree.put("deadline", "0s");
        tree.put("heartbeatTtl", "soon");
        tree.put("store", Map.of("jdbcUrl", "jdbc:mysql://x/y"));
        assertThat(problems(tree).problems()).containsExactlyInAnyOrder(
                "Invalid value '0s' for deadline: must be >= 100ms",
                "Invalid value 'soon' for heartbeatTtl: must be a duration such as 500ms, 30s, 2m or PT30S",
                "Invalid value 'jdbc:mysql://x/y' for store.jdbcUrl: must start with jdbc:postgresql:");
    }

    @Test
    void loadsAYamlFile() throws Exception {
        Path file = Files.writeString(dir.resolve("audit.yaml"), """
                kafka:
                  bootstrapServers: 127.0.0.1:9092
                  topicPrefix: lab
                  properties:
                    security.protocol: PLAINTEXT
                store:
                  jdbcUrl: jdbc:postgresql://127.0.0.11:5432/pgfence_audit
                  user: postgres
                deadline: 3s
                http:
                  port: 0
                """);
        AuditConfig c = AuditConfig.load(file, Map.of());
        assertThat(c.kafka().topics().acks()).isEqualTo("lab.acks");
        assertThat(c.kafka().clientProperties()).containsEntry("security.protocol", "PLAINTEXT");
        assertThat(c.deadline()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.http().port()).isZero();
    }

    @Test
    void anInventoryListsTheHostsOfEachClusterAndIsLogged() throws Exception {
        Path file = Files.writeString(dir.resolve("audit.yaml"), """
                kafka: {bootstrapServers: 127.0.0.1:9092}
                store: {jdbcUrl: 'jdbc:postgresql://127.0.0.11:5432/pgfence_audit'}
                inventory:
                  lab: [pgb1, pgb2, pgb3]
                  billing: [pgb9]
                """);
        AuditConfig c = AuditConfig.load(file, Map.of());
        assertThat(c.inventory()).containsExactly(Map.entry("lab", List.of("pgb1", "pgb2", "pgb3")),
                Map.entry("billing", List.of("pgb9")));
        assertThat(c.masked()).containsEntry("inventory", "lab=pgb1,pgb2,pgb3; billing=pgb9");
        assertThat(read(minimal(), Map.of()).inventory()).as("none by default").isEmpty();
    }

    @Test
    void anInventoryHostCanComeFromTheEnvironment() throws Exception {
        Map<String, Object> tree = minimal();
        tree.put("inventory", new LinkedHashMap<>(Map.of("lab", List.of("pgb1"))));
        AuditConfig c = read(tree, Map.of("PGFENCE_INVENTORY_LAB", "pgb1, pgb2"));
        assertThat(c.inventory()).containsEntry("lab", List.of("pgb1", "pgb2"));
    }

    @Test
    void everyInventoryProblemIsNamedAtOnce() {
        Map<String, Object> tree = minimal();
        Map<String, Object> inventory = new LinkedHashMap<>();
        inventory.put("lab", List.of("pgb1", "pgb 2", "pgb1"));
        inventory.put("bad cluster", List.of("pgb3"));
        inventory.put("empty", List.of());
        tree.put("inventory", inventory);
        tree.put("inventroy", Map.of("lab", List.of("pgb1")));
        assertThat(problems(tree).problems()).containsExactlyInAnyOrder(
                "Invalid value 'pgb 2' for inventory.lab: a host name must match [A-Za-z0-9._-]+ (the agent's host"
                        + " name, as in remediation.hosts)",
                "Invalid value 'pgb1' for inventory.lab: is listed twice",
                "Invalid inventory.bad cluster: a cluster name must match [A-Za-z0-9._-]+",
                "Invalid inventory.empty: must list at least one agent host name (or leave the cluster out)",
                "Unknown key 'inventroy'", "Unknown key 'inventroy.lab'");
    }

    @Test
    void anInventoryThatIsNotAMappingIsRejected() {
        Map<String, Object> tree = minimal();
        tree.put("inventory", List.of("pgb1"));
        assertThat(problems(tree).problems()).containsExactly("Invalid inventory: must be a mapping");
    }
}
