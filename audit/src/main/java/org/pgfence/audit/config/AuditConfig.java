package org.pgfence.audit.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ConfigReader;
import org.pgfence.runtime.kafka.KafkaSettings;

/**
 * The one configuration of {@code pgfence audit} and {@code pgfence audit status}, validated at load
 * and immutable afterwards. Built by {@link AuditConfigReader}; every key is documented in the README (Configuration).
 */
public record AuditConfig(
        KafkaSettings kafka,
        String groupId,
        StoreSettings store,
        Duration deadline,
        Duration heartbeatTtl,
        Duration checkInterval,
        HttpSettings http,
        RemediationSettings remediation,
        Map<String, List<String>> inventory) {

    public static final String DEFAULT_GROUP = "pgfence-audit";

    public AuditConfig {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        inventory.forEach((cluster, hosts) -> copy.put(cluster, List.copyOf(hosts)));
        inventory = java.util.Collections.unmodifiableMap(copy);
    }

    /** Reads and validates {@code file} with environment overrides; every problem is listed at once. */
    public static AuditConfig load(Path file, Map<String, String> env) throws ConfigException {
        return AuditConfigReader.read(ConfigReader.load(file, env));
    }

    /** The effective configuration as it may be logged: secrets masked. */
    public Map<String, String> masked() {
        Map<String, String> out = new LinkedHashMap<>();
        kafka.masked().forEach((k, v) -> out.put("kafka." + k, v));
        out.put("groupId", groupId);
        out.put("store.jdbcUrl", store.maskedUrl());
        out.put("store.user", String.valueOf(store.user()));
        out.put("store.password", store.password().toString());
        out.put("deadline", ConfigReader.format(deadline));
        out.put("heartbeatTtl", ConfigReader.format(heartbeatTtl));
        out.put("checkInterval", ConfigReader.format(checkInterval));
        out.put("http", http.bind() + ":" + http.port());
        if (!inventory.isEmpty()) {
            StringBuilder inv = new StringBuilder();
            inventory.forEach((cluster, hosts) -> inv.append(inv.length() == 0 ? "" : "; ").append(cluster).append('=')
                    .append(String.join(",", hosts)));
            out.put("inventory", inv.toString());
        }
        SshSettings ssh = remediation.ssh();
        out.put("remediation.ssh.enabled", Boolean.toString(ssh.enabled()));
        if (ssh.enabled()) {
            out.put("remediation.ssh", ssh.user() + "@*:" + ssh.port() + " key=" + ssh.privateKey()
                    + " knownHosts=" + ssh.knownHosts() + " strictHostKeyChecking=yes connectTimeout="
                    + ConfigReader.format(ssh.connectTimeout()) + " commandTimeout="
                    + ConfigReader.format(ssh.commandTimeout()) + " maxAttempts=" + ssh.maxAttempts());
            out.put("remediation.hosts", String.join(",", new java.util.TreeSet<>(remediation.hosts().keySet())));
        }
        return out;
    }

    /** One log line: {@code key=value, ...} with secrets masked. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        masked().forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return b.toString();
    }

    @Override
    public String toString() {
        return "AuditConfig[" + describe() + "]";
    }
}
