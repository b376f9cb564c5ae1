package org.pgfence.consumer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.pgbouncer.ini.Role;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ConfigReader;

class AgentConfigLoaderTest {
    static final String LAB_NODE1 = """
            host: node1
            kafka:
              bootstrapServers: 127.0.0.1:9092
            clusters:
              - name: main
                nodes:
                  - {host: 127.0.0.11, port: 5432}
                  - {host: 127.0.0.12}
                  - {host: 127.0.0.13}
            databases:
              - {name: appdb-rw, cluster: main, role: rw, dbname: appdb, options: {application_name: pgbouncer_node1}}
              - {name: appdb-ro, cluster: main, role: ro, dbname: appdb}
            pgbouncer:
              admin: {host: 127.0.0.11, port: 6432}
              databaseIni: /tmp/lab/pgb1/pgbouncer.database.ini
            stateDir: /tmp/lab/pgb1/pgfence
            """;

    @TempDir
    Path dir;

    private AgentConfig load(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, yaml);
        return AgentConfigLoader.load(file, env);
    }

    @Test
    void labConfigLoadsWithDefaults() throws Exception {
        AgentConfig c = load(LAB_NODE1, Map.of());
        assertThat(c.host()).isEqualTo("node1");
        assertThat(c.localNode()).isEqualTo("node1");
        assertThat(c.kafka().topics().prefix()).isEqualTo("pgfence");
        ClusterConfig main = c.cluster("main").orElseThrow();
        assertThat(main.nodes()).extracting(SeedNode::port).containsExactly(5432, 5432, 5432);
        assertThat(main.repmgrDbname()).isEqualTo("repmgr");
        assertThat(main.repmgrUser()).isEqualTo("repmgr");
        assertThat(main.repmgrPassword()).isNull();
        assertThat(main.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(main.keepConnections()).as("one kept connection per node, unless told otherwise").isTrue();
        assertThat(c.databases()).extracting(DatabaseConfig::role).containsExactly(Role.RW, Role.RO);
        assertThat(c.databases().get(1).roPolicy()).isEqualTo(RoPolicy.LOCAL);
        assertThat(c.databases().get(0).options()).containsEntry("application_name", "pgbouncer_node1");
        assertThat(c.pgbouncer().adminUser()).isEqualTo("postgres");
        assertThat(c.pgbouncer().backups()).isTrue();
        assertThat(c.reconcileInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.failClosed()).isEqualTo(FailClosedMode.DISABLE);
        assertThat(c.http().enabled()).as("on by default, on localhost").isTrue();
        assertThat(c.http().port()).isEqualTo(9180);
        assertThat(c.http().bind()).isEqualTo("127.0.0.1");
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.applyTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.databasesOf("main")).hasSize(2);
    }

    @Test
    void aClusterMayProbeOnFreshConnections() throws Exception {
        AgentConfig c = load(LAB_NODE1.replace("- {host: 127.0.0.13}\n",
                "- {host: 127.0.0.13}\n    keepConnections: false\n"), Map.of());
        assertThat(c.cluster("main").orElseThrow().keepConnections()).isFalse();
    }

    @Test
    void secretsComeFromTheEnvironmentAndAreNeverInTheMaskedConfig() throws Exception {
        AgentConfig c = load(LAB_NODE1, Map.of("PGFENCE_CLUSTERS_0_REPMGR_PASSWORD", "s3cret",
                "PGFENCE_PGBOUNCER_ADMIN_PASSWORD", "adm1n"));
        assertThat(c.cluster("main").orElseThrow().repmgrPassword()).isEqualTo("s3cret");
        assertThat(c.pgbouncer().adminPassword()).isEqualTo("adm1n");
        assertThat(c.masked().toString()).doesNotContain("s3cret").doesNotContain("adm1n").contains("****");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Map<String, Object> tree = Map.of(
                "kafka", Map.of("bootstrapServers", "k:9092"),
                "clusters", List.of(Map.of("name", "main", "nodes", List.of(Map.of("host", "db 1")))),
                "databases", List.of(
                        Map.of("name", "appdb-rw", "cluster", "nope", "role", "writer", "dbname", "appdb",
                                "options", Map.of("user", "postgres", "pool_size", "many")),
                        Map.of("name", "appdb-rw", "cluster", "main", "dbname", "app;db")),
                "pgbouncer", Map.of("admin", Map.of("port", "6432")),
                "reconcileInterval", "0s",
                "failClosed", "open",
                "tpyo", "x");
        assertThatThrownBy(() -> AgentConfigLoader.from(ConfigReader.of("test", tree, Map.of())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).contains(
                        "Missing value for host: it is required",
                        "Invalid value 'db 1' for clusters[0].nodes[0].host: must match " + AgentConfigLoader.HOST.pattern(),
                        "Invalid value 'nope' for databases[0].cluster: no such cluster, configured: [main]",
                        "Invalid value 'writer' for databases[0].role: must be one of [rw, ro]",
                        "Invalid value 'appdb-rw' for databases[1].name: duplicate database name",
                        "Invalid databases[1].role: is required (rw or ro)",
                        "Invalid value 'app;db' for databases[1].dbname: must match " + AgentConfigLoader.NAME.pattern(),
                        "Invalid pgbouncer.databaseIni: is required (the file pgbouncer.ini %include's)",
                        "Invalid value '0s' for reconcileInterval: must be >= 1s",
                        "Invalid value 'open' for failClosed: must be one of [disable, remove]",
                        "Unknown key 'tpyo'")
                        .anySatisfy(p -> assertThat(p).contains("databases[0].options.user")
                                .contains("unknown pgbouncer option 'user'"))
                        .anySatisfy(p -> assertThat(p).contains("databases[0].options.pool_size")
                                .contains("'many'")));
    }

    @Test
    void clustersAndDatabasesAreRequired() {
        Map<String, Object> tree = Map.of("host", "h", "kafka", Map.of("bootstrapServers", "k:9092"),
                "pgbouncer", Map.of("databaseIni", "/x.ini"));
        assertThatThrownBy(() -> AgentConfigLoader.from(ConfigReader.of("test", tree, Map.of())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "Invalid clusters: at least one cluster is required",
                        "Invalid databases: at least one database is required"));
    }

    @Test
    void clusterWithoutSeedNodesAndTheAdminDatabaseNameAreRefused() {
        Map<String, Object> tree = Map.of("host", "h", "kafka", Map.of("bootstrapServers", "k:9092"),
                "clusters", List.of(Map.of("name", "main")),
                "databases", List.of(Map.of("name", "pgbouncer", "cluster", "main", "role", "ro", "dbname", "x")),
                "pgbouncer", Map.of("databaseIni", "/x.ini"));
        assertThatThrownBy(() -> AgentConfigLoader.from(ConfigReader.of("test", tree, Map.of())))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "Invalid clusters[0].nodes: at least one seed node {host, port} is required",
                        "Invalid value 'pgbouncer' for databases[0].name: is pgbouncer's admin database"));
    }

    @Test
    void theAdminConsoleMayBeAUnixSocketDirectoryThatFitsASocketAddress() throws Exception {
        AgentConfig c = load(LAB_NODE1.replace("admin: {host: 127.0.0.11, port: 6432}",
                "admin: {host: /var/run/postgresql, port: 6432}"), Map.of());
        assertThat(c.pgbouncer().adminHost()).isEqualTo("/var/run/postgresql");
        String deep = "/" + "d".repeat(100);
        assertThatThrownBy(() -> load(LAB_NODE1.replace("admin: {host: 127.0.0.11, port: 6432}",
                "admin: {host: " + deep + ", port: 6432}"), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "Invalid value '" + deep + "' for pgbouncer.admin.host: is a Unix socket directory whose socket "
                                + deep + "/.s.PGSQL.6432 is longer than the 107 bytes a Unix socket address holds"));
    }

    @Test
    void allowedOptionsPass() {
        assertThat(PgbouncerOptions.problem("pool_mode", "transaction")).isEmpty();
        assertThat(PgbouncerOptions.problem("pool_mode", "weird")).isPresent();
        assertThat(PgbouncerOptions.problem("timezone", "Europe/Paris")).isEmpty();
        assertThat(PgbouncerOptions.problem("connect_query", "SELECT 1")).get().asString()
                .contains("unknown pgbouncer option");
        assertThat(PgbouncerOptions.problem("application_name", "a\nb")).isPresent();
    }
}
