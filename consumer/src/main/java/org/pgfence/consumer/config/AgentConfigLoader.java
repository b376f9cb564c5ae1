package org.pgfence.consumer.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.pgfence.pgbouncer.SimpleQueryClient;
import org.pgfence.pgbouncer.ini.Role;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ConfigReader;
import org.pgfence.runtime.kafka.KafkaSettings;

/** Builds {@link AgentConfig} from a {@link ConfigReader}, collecting every problem. */
public final class AgentConfigLoader {
    /** Names that end up in pgbouncer keys, ini comments, Kafka keys and file names. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,63}");
    /** sun_path of Linux's sockaddr_un holds 108 bytes, the terminating NUL included. */
    static final int MAX_SOCKET_PATH = 107;
    static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.:/-]{1,255}");
    static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/pgfence/agent");

    private AgentConfigLoader() {
    }

    public static AgentConfig load(Path file, Map<String, String> env) throws ConfigException {
        return from(ConfigReader.load(file, env));
    }

    public static AgentConfig from(ConfigReader r) throws ConfigException {
        String host = named(r, "host", r.requiredString("host"));
        String localNode = named(r, "localNode", r.string("localNode", host));
        KafkaSettings kafka = KafkaSettings.read(r.section("kafka"));
        List<ClusterConfig> clusters = clusters(r);
        List<DatabaseConfig> databases = databases(r, clusters);
        PgbouncerConfig pgbouncer = pgbouncer(r.section("pgbouncer"));
        Duration reconcile = r.duration("reconcileInterval", Duration.ofSeconds(30), Duration.ofSeconds(1));
        FailClosedMode failClosed = r.choice("failClosed", FailClosedMode.class, FailClosedMode.DISABLE);
        Path stateDir = r.path("stateDir", DEFAULT_STATE_DIR);
        ConfigReader http = r.section("http");
        HttpConfig httpConfig = new HttpConfig(http.string("bind", "127.0.0.1"), http.integer("port", HttpConfig.DEFAULT_PORT, 0, 65535));
        Duration heartbeat = r.duration("heartbeatInterval", Duration.ofSeconds(5), Duration.ofSeconds(1));
        Duration applyTimeout = r.duration("applyTimeout", Duration.ofSeconds(10), Duration.ofMillis(100));
        Duration pauseDrain = r.duration("pauseDrainTimeout", Duration.ofSeconds(5), Duration.ofMillis(100));
        r.finish();
        return new AgentConfig(host, localNode, kafka, clusters, databases, pgbouncer, reconcile, failClosed,
                stateDir, httpConfig, heartbeat, applyTimeout, pauseDrain);
    }


    private static List<ClusterConfig> clusters(ConfigReader r) {
        List<ConfigReader> sections = r.sections("clusters");
        if (sections.isEmpty()) {
            r.problem("clusters", "at least one cluster is required");
        }
        List<ClusterConfig> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigReader c : sections) {
            String name = named(c, "name", c.requiredString("name"));
            if (name != null && !names.add(name)) {
                c.invalid("name", name, "duplicate cluster name");
            }
            List<SeedNode> nodes = new ArrayList<>();
            for (ConfigReader n : c.sections("nodes")) {
                String h = n.requiredString("host");
                if (h != null && !HOST.matcher(h).matches()) {
                    n.invalid("host", h, "must match " + HOST.pattern());
                }
                nodes.add(new SeedNode(h, n.integer("port", 5432, 1, 65535)));
            }
            if (nodes.isEmpty()) {
                c.problem("nodes", "at least one seed node {host, port} is required");
            }
            ConfigReader repmgr = c.section("repmgr");
            out.add(new ClusterConfig(name, nodes, repmgr.string("dbname", "repmgr"), repmgr.string("user", "repmgr"),
                    repmgr.string("password", null),
                    c.duration("connectTimeout", Duration.ofSeconds(1), Duration.ofMillis(100)),
                    c.bool("keepConnections", true)));
        }
        return out;
    }

    private static List<DatabaseConfig> databases(ConfigReader r, List<ClusterConfig> clusters) {
        List<ConfigReader> sections = r.sections("databases");
        if (sections.isEmpty()) {
            r.problem("databases", "at least one database is required");
        }
        Set<String> clusterNames = new HashSet<>();
        clusters.forEach(c -> clusterNames.add(c.name()));
        Set<String> names = new HashSet<>();
        List<DatabaseConfig> out = new ArrayList<>();
        for (ConfigReader d : sections) {
            String name = named(d, "name", d.requiredString("name"));
            if (name != null && (!names.add(name) || name.equals("pgbouncer"))) {
                d.invalid("name", name, name.equals("pgbouncer") ? "is pgbouncer's admin database"
                        : "duplicate database name");
            }
            String cluster = d.requiredString("cluster");
            if (cluster != null && !clusterNames.contains(cluster)) {
                d.invalid("cluster", cluster, "no such cluster, configured: " + clusterNames);
            }
            Role role = d.has("role") ? d.choice("role", Role.class, Role.RW) : null;
            if (role == null) {
                d.problem("role", "is required (rw or ro)");
            }
            String dbname = named(d, "dbname", d.requiredString("dbname"));
            RoPolicy policy = d.choice("roPolicy", RoPolicy.class, RoPolicy.LOCAL);
            TreeMap<String, String> options = new TreeMap<>(d.stringMap("options"));
            options.forEach((k, v) -> PgbouncerOptions.problem(k, v).ifPresent(p -> d.problem("options." + k, p)));
            out.add(new DatabaseConfig(name, cluster, role == null ? Role.RW : role, dbname, policy, options));
        }
        return out;
    }

    private static PgbouncerConfig pgbouncer(ConfigReader p) {
        ConfigReader admin = p.section("admin");
        String host = admin.string("host", "127.0.0.1");
        int port = admin.integer("port", 6432, 1, 65535);
        String user = admin.string("user", "postgres");
        String password = admin.string("password", null);
        String socket = host.startsWith("/") ? SimpleQueryClient.socketFile(host, port).toString() : null;
        if (socket != null && socket.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            admin.invalid("host", host, "is a Unix socket directory whose socket " + socket
                    + " is longer than the " + MAX_SOCKET_PATH + " bytes a Unix socket address holds");
        }
        Path ini = p.path("databaseIni", null);
        if (ini == null) {
            p.problem("databaseIni", "is required (the file pgbouncer.ini %include's)");
        }
        boolean backups = p.bool("backups", true);
        return new PgbouncerConfig(host, port, user, password, ini, backups);
    }

    private static String named(ConfigReader r, String key, String value) {
        if (value != null && !NAME.matcher(value).matches()) {
            r.invalid(key, value, "must match " + NAME.pattern());
        }
        return value;
    }
}
