package org.pgfence.audit.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ConfigReader;
import org.pgfence.runtime.kafka.KafkaSettings;

/** Builds an {@link AuditConfig} from a {@link ConfigReader}, collecting every problem. */
public final class AuditConfigReader {
    /** A remote path is put into a shell command line: only plain absolute paths are accepted. */
    private static final Pattern REMOTE_PATH = Pattern.compile("/[A-Za-z0-9._/+-]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private AuditConfigReader() {
    }

    public static AuditConfig read(ConfigReader r) throws ConfigException {
        KafkaSettings kafka = KafkaSettings.read(r.section("kafka"));
        String groupId = r.string("groupId", AuditConfig.DEFAULT_GROUP);
        StoreSettings store = store(r.section("store"));
        Duration deadline = r.duration("deadline", Duration.ofSeconds(5), Duration.ofMillis(100));
        Duration ttl = r.duration("heartbeatTtl", Duration.ofSeconds(30), Duration.ofSeconds(1));
        Duration check = r.duration("checkInterval", Duration.ofSeconds(1), Duration.ofMillis(100));
        ConfigReader http = r.section("http");
        HttpSettings httpSettings = new HttpSettings(http.string("bind", "127.0.0.1"),
                http.integer("port", HttpSettings.DEFAULT_PORT, 0, 65535));
        RemediationSettings remediation = remediation(r.section("remediation"));
        Map<String, List<String>> inventory = inventory(r.section("inventory"));
        r.finish();
        return new AuditConfig(kafka, groupId, store, deadline, ttl, check, httpSettings, remediation, inventory);
    }

    /** {@code inventory.<cluster>}: the agent host names that must ack every promotion of that cluster. */
    private static Map<String, List<String>> inventory(ConfigReader inv) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String cluster : inv.keys()) {
            if (!NAME.matcher(cluster).matches()) {
                inv.problem(cluster, "a cluster name must match " + NAME.pattern());
            }
            List<String> hosts = inv.stringList(cluster);
            if (hosts.isEmpty()) {
                inv.problem(cluster, "must list at least one agent host name (or leave the cluster out)");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (String host : hosts) {
                if (!NAME.matcher(host).matches()) {
                    inv.invalid(cluster, host, "a host name must match " + NAME.pattern()
                            + " (the agent's host name, as in remediation.hosts)");
                } else if (!seen.add(host)) {
                    inv.invalid(cluster, host, "is listed twice");
                }
            }
            out.put(cluster, List.copyOf(seen));
        }
        return out;
    }


    private static StoreSettings store(ConfigReader s) {
        String url = s.requiredString("jdbcUrl");
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            s.invalid("jdbcUrl", url, "must start with jdbc:postgresql:");
        }
        String user = s.string("user", null);
        String password = s.string("password", null);   // PGFENCE_STORE_PASSWORD overrides it
        Path file = s.path("passwordFile", null);
        Secret secret = Secret.of(password);
        if (password != null && file != null) {
            s.problem("passwordFile", "set either store.password (or PGFENCE_STORE_PASSWORD) or store.passwordFile, not both");
        } else if (file != null) {
            secret = readPasswordFile(s, file);
        }
        return new StoreSettings(url == null ? "jdbc:postgresql:unset" : url, user, secret);
    }

    private static Secret readPasswordFile(ConfigReader s, Path file) {
        try {
            String text = Files.readString(file);
            return Secret.of(text.strip());
        } catch (IOException e) {
            s.problem("passwordFile", "cannot read '" + file + "': "
                    + (Files.exists(file) ? "not readable" : "no such file"));
            return Secret.none();
        }
    }

    private static RemediationSettings remediation(ConfigReader rem) {
        SshSettings ssh = ssh(rem.section("ssh"));
        ConfigReader hostsSection = rem.section("hosts");
        Map<String, RemoteHost> hosts = new LinkedHashMap<>();
        for (String name : hostsSection.keys()) {
            if (!NAME.matcher(name).matches()) {
                hostsSection.problem(name, "a host name must match " + NAME.pattern());
            }
            hosts.put(name, host(name, hostsSection.section(name)));
        }
        if (ssh.enabled() && hosts.isEmpty()) {
            rem.problem("hosts", "remediation.ssh.enabled is true but no host is configured under remediation.hosts");
        }
        return new RemediationSettings(ssh, hosts);
    }

    private static SshSettings ssh(ConfigReader s) {
        for (String forbidden : new String[] {"strictHostKeyChecking", "StrictHostKeyChecking", "hostKeyChecking"}) {
            if (s.has(forbidden)) {
                s.problem(forbidden, "strict host key checking is always on and cannot be configured or turned off;"
                        + " remove this key and put the hosts' keys into remediation.ssh.knownHosts");
            }
        }
        boolean enabled = s.bool("enabled", false);
        String user = enabled ? s.requiredString("user") : s.string("user", null);
        int port = s.integer("port", 22, 1, 65535);
        Path key = enabled ? requiredFile(s, "privateKey") : s.path("privateKey", null);
        Path knownHosts = enabled ? requiredFile(s, "knownHosts") : s.path("knownHosts", null);
        Duration connect = s.duration("connectTimeout", Duration.ofSeconds(5), Duration.ofMillis(100));
        Duration command = s.duration("commandTimeout", Duration.ofSeconds(20), Duration.ofMillis(100));
        int attempts = s.integer("maxAttempts", 2, 1, 10);
        return new SshSettings(enabled, user, port, key, knownHosts, connect, command, attempts);
    }

    private static Path requiredFile(ConfigReader s, String key) {
        Path p = s.path(key, null);
        if (p == null) {
            s.problem(key, "is required when remediation.ssh.enabled is true");
        } else if (!Files.isReadable(p) || !Files.isRegularFile(p)) {
            s.invalid(key, p, Files.exists(p) ? "is not a readable file" : "no such file");
        }
        return p;
    }

    private static RemoteHost host(String name, ConfigReader h) {
        String address = h.requiredString("address");
        String command = remotePath(h, "pgfenceCommand");
        String agentConfig = remotePath(h, "agentConfig");
        String envFile = h.has("envFile") ? remotePath(h, "envFile") : null;
        // Before 0.2.0 the auditor uploaded the ini and used the console itself; `pgfence apply` on the host does
        // both from the agent config now. Old keys are read (an upgraded audit.yaml still starts) and not used.
        h.string("databaseIni", null);
        if (h.has("admin")) {
            ConfigReader a = h.section("admin");
            a.keys().forEach(k -> a.string(k, null));
        }
        return new RemoteHost(name, address, command, agentConfig, envFile);
    }

    private static String remotePath(ConfigReader h, String key) {
        String v = h.requiredString(key);
        if (v != null && !REMOTE_PATH.matcher(v).matches()) {
            h.invalid(key, v, "must be an absolute path of letters, digits and ._/+- only (it is used in a remote command line)");
        }
        return v;
    }
}
