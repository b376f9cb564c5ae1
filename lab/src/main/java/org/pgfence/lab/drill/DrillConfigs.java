package org.pgfence.lab.drill;

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
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabException;
import org.pgfence.lab.LabLayout;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.process.ExitCode;

/**
 * Generates the configuration of every pgfence process of a lab, as an operator would write them:
 * {@code promote-nodeN.yaml} (promote and notify on each node), {@code agent-<host>.yaml} (one agent per
 * pgbouncer host), {@code audit.yaml}. Files live in {@code <lab>/pgfence-conf}, readable by postgres.
 *
 * @param cluster         the repmgr cluster's name in events and acks
 * @param topicPrefix     Kafka topic prefix (tests use a fresh one each)
 * @param reconcile       the agents' reconcile interval
 * @param sshRemediation  whether the auditor repairs overdue hosts over SSH
 * @param transactionPool whether agents also route {@value #TX_DATABASE}, an rw database in transaction pooling
 */
public record DrillConfigs(Lab lab, String cluster, String topicPrefix, Duration reconcile, boolean sshRemediation,
                           boolean transactionPool) {
    /** The rw database in transaction pooling, when {@code transactionPool}. */
    public static final String TX_DATABASE = "appdb-tx";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    public static final int AGENT_HTTP_PORT = 9180;
    public static final int AUDIT_HTTP_PORT = 9181;

    public DrillConfigs(Lab lab, String cluster, String topicPrefix, Duration reconcile, boolean sshRemediation) {
        this(lab, cluster, topicPrefix, reconcile, sshRemediation, false);
    }

    /** The same, with {@value #TX_DATABASE} routed too. */
    public DrillConfigs withTransactionPool() {
        return new DrillConfigs(lab, cluster, topicPrefix, reconcile, sshRemediation, true);
    }

    public Path dir() {
        return lab.dir().resolve("pgfence-conf");
    }

    public Path promoteConfig(int node) {
        return dir().resolve("promote-node" + node + ".yaml");
    }

    public Path agentConfig(LabPgbouncer pgb) {
        return dir().resolve("agent-" + pgb.host() + ".yaml");
    }

    public Path auditConfig() {
        return dir().resolve("audit.yaml");
    }

    public Path agentStateDir(LabPgbouncer pgb) {
        return lab.dir().resolve("agents").resolve(pgb.host());
    }

    /** Writes every file. */
    public DrillConfigs write() {
        lab.nodes().forEach(n -> write(promoteConfig(n.id()), promote(n)));
        lab.pgbouncers().forEach(p -> write(agentConfig(p), agent(p)));
        write(auditConfig(), audit());
        lab.nodes().forEach(n -> mkdir(spoolDir(n.id())));
        lab.pgbouncers().forEach(p -> mkdir(agentStateDir(p)));
        chown(lab.dir().resolve("spool"));
        chown(lab.dir().resolve("agents"));
        chown(dir());
        return this;
    }

    /** Rewrites every node's promote config with {@code promote.pause} (two-phase fencing of a crash). */
    public void promotePause(java.time.Duration pause) {
        for (LabNode n : lab.nodes()) {
            Map<String, Object> m = promote(n);
            m.put("promote", Map.of("pause", pause.toSeconds() + "s"));
            write(promoteConfig(n.id()), m);
        }
        chown(dir());
    }

    public Path spoolDir(int node) {
        return lab.dir().resolve("spool").resolve("node" + node);
    }

    /** repmgrd's hooks: {@code pgfence promote} as promote_command, {@code pgfence notify} for events. */
    public void wireRepmgrd() {
        lab.configureHooks("{pgfence} promote --config " + dir() + "/promote-node{node}.yaml",
                "{pgfence} notify --config " + dir() + "/promote-node{node}.yaml"
                        + " --node-id \"$1\" --event \"$2\" --success \"$3\" --timestamp \"$4\" --details \"$5\" --primary \"$6\"");
    }

    Map<String, Object> kafka() {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("bootstrapServers", lab.kafkaBootstrap());
        k.put("topicPrefix", topicPrefix);
        return k;
    }

    Map<String, Object> promote(LabNode node) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cluster", cluster);
        m.put("host", node.name());
        m.put("kafka", kafka());
        m.put("repmgr", Map.of("config", node.repmgrConf().toString(), "bindir", LabLayout.BINDIR));
        m.put("spool", Map.of("dir", spoolDir(node.id()).toString()));
        m.put("publish", Map.of("deadline", "5s"));
        return m;
    }

    Map<String, Object> agent(LabPgbouncer pgb) {
        boolean onNode = pgb.id() <= lab.nodes().size();
        return agent(pgb.host(), pgb, pgb.databaseIni(), agentStateDir(pgb), "", onNode ? "local" : "standby",
                Map.of("bind", pgb.address(), "port", AGENT_HTTP_PORT));
    }

    /**
     * The config of an agent of host {@code host} that fences {@code databaseIni} behind the console of {@code console}:
     * database names end in {@code suffix} (several hosts' files behind one pgbouncer need names of their own).
     */
    Map<String, Object> agent(String host, LabPgbouncer console, Path databaseIni, Path stateDir, String suffix,
                              String roPolicy, Map<String, Object> http) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", host);
        m.put("kafka", kafka());
        List<Map<String, Object>> seeds = new ArrayList<>();
        lab.nodes().forEach(n -> seeds.add(Map.of("host", n.address(), "port", n.pgPort())));
        m.put("clusters", List.of(Map.of("name", cluster, "nodes", seeds, "connectTimeout", "1s")));
        Map<String, String> options = Map.of("application_name", "pgbouncer_" + host);
        List<Map<String, Object>> databases = new ArrayList<>(List.of(
                Map.of("name", "appdb-rw" + suffix, "cluster", cluster, "role", "rw", "dbname", "appdb", "options", options),
                Map.of("name", "appdb-ro" + suffix, "cluster", cluster, "role", "ro", "dbname", "appdb",
                        "roPolicy", roPolicy, "options", options)));
        if (transactionPool) {
            databases.add(Map.of("name", TX_DATABASE + suffix, "cluster", cluster, "role", "rw", "dbname", "appdb",
                    "options", Map.of("application_name", "pgbouncer_" + host, "pool_mode", "transaction")));
        }
        m.put("databases", databases);
        m.put("pgbouncer", Map.of("admin", Map.of("host", console.address(), "port", console.port(), "user", "postgres"),
                "databaseIni", databaseIni.toString()));
        m.put("reconcileInterval", seconds(reconcile));
        m.put("heartbeatInterval", "2s");
        m.put("pauseDrainTimeout", "2s");
        m.put("stateDir", stateDir.toString());
        m.put("http", http);
        return m;
    }

    /**
     * Writes the config of a simulated pgbouncer host ({@code pgfence fleet}) to {@code file}: host {@code host} with
     * its own {@code databaseIni} (database names ending in {@code suffix}) behind the console of {@code console}, its
     * own state dir, its heartbeat every {@code heartbeat}, no HTTP endpoint; {@code clusterOptions} (e.g.
     * {@code keepConnections}, {@code repmgr}) added to its cluster.
     */
    public Path writeHostAgent(Path file, String host, LabPgbouncer console, Path databaseIni, Path stateDir,
                               String suffix, Duration heartbeat, Map<String, Object> clusterOptions) {
        Map<String, Object> m = agent(host, console, databaseIni, stateDir, suffix, "standby",
                Map.of("bind", "127.0.0.1", "port", 0));
        @SuppressWarnings("unchecked")
        Map<String, Object> cluster = new LinkedHashMap<>(((List<Map<String, Object>>) m.get("clusters")).get(0));
        cluster.putAll(clusterOptions);
        m.put("clusters", List.of(cluster));
        m.put("heartbeatInterval", seconds(heartbeat));
        write(file, m);
        return file;
    }

    /**
     * Rewrites {@code audit.yaml} with {@code inventory.<cluster>} = {@code hosts}: every one of them must ack every
     * promotion, registered or not (DESIGN rule 10). Before the auditor starts: it reads its config once.
     */
    public void writeAuditInventory(List<String> hosts) {
        Map<String, Object> m = audit();
        m.put("inventory", Map.of(cluster, hosts));
        write(auditConfig(), m);
        chown(dir());
    }

    Map<String, Object> audit() {
        LabNode store = lab.store();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kafka", kafka());
        m.put("groupId", "pgfence-audit." + topicPrefix);
        m.put("store", Map.of("jdbcUrl", "jdbc:postgresql://" + store.address() + ":" + store.pgPort() + "/pgfence_audit",
                "user", "pgfence"));
        m.put("deadline", "5s");
        // the product default: an agent that died shortly before a slow failover (a loaded box takes 15 s+
        // from crash to promotion) must still be expected, so the audit shows it late instead of forgetting it
        m.put("heartbeatTtl", "30s");
        m.put("checkInterval", "250ms");
        m.put("http", Map.of("bind", lab.layout().hubAddress(), "port", AUDIT_HTTP_PORT));
        Map<String, Object> ssh = new LinkedHashMap<>();
        ssh.put("enabled", sshRemediation);
        ssh.put("user", "postgres");
        ssh.put("port", LabLayout.SSH_PORT);
        ssh.put("privateKey", lab.layout().clientKey().toString());
        ssh.put("knownHosts", lab.layout().knownHosts().toString());
        ssh.put("connectTimeout", "3s");
        ssh.put("commandTimeout", "30s");
        Map<String, Object> hosts = new LinkedHashMap<>();
        for (LabPgbouncer p : lab.pgbouncers()) {
            hosts.put(p.host(), Map.of("address", p.address(), "pgfenceCommand", lab.pgfenceCommand().toString(),
                    "agentConfig", agentConfig(p).toString()));
        }
        m.put("remediation", Map.of("ssh", ssh, "hosts", hosts));
        return m;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static void write(Path file, Map<String, Object> content) {
        try {
            Files.createDirectories(file.getParent());
            YAML.writeValue(file.toFile(), content);
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void mkdir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void chown(Path path) {
        org.pgfence.lab.PgfenceProcesses.chownToPostgres(path);
    }
}
