package org.pgfence.lab.it.audit;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.pgfence.lab.Lab;
import org.pgfence.lab.Sql;
import org.pgfence.lab.drill.Fencing;

/** The steps of {@link AuditFencingIT} that are lab plumbing rather than assertions about the auditor. */
final class AuditLabSteps {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static long started = System.nanoTime();

    private AuditLabSteps() {
    }

    /** Restarts the progress clock (the lab is up). */
    static void startClock() {
        started = System.nanoTime();
    }

    /** The lab directory goes with the lab: keep the pgfence processes' logs for a failure's post-mortem. */
    static void keepLogs(Lab lab, Path to) throws IOException {
        lab.keepLogs(to);
    }

    /**
     * The second promotion is an operator's: node3's repmgrd is stopped and the test runs node3's promote_command
     * ({@code pgfence promote}) itself once node2 is down, as repmgrd would. Automatic failover a second time is
     * not reliable on busy cores: when promote_command outlasts primary_notification_timeout (20 s; every hook is
     * a JVM start) node3 follows node2 on its own and node2's late notification stays in node3's repmgr shared
     * memory, so at the next failover node3's repmgrd tries to follow the dead node2 and exits; and repmgr may
     * refuse the follow outright ("timeline 2 forked off current database system timeline 1 before current
     * recovery point" when the received WAL ends on a page boundary). Then node3 is rejoined to node2 first.
     */
    static void prepareNode3ForAnOperatorPromotion(Fencing fencing, Lab lab) throws Exception {
        lab.stopRepmgrd(3);
        String streaming = "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'node3' AND state = 'streaming'";
        String url = lab.node(2).jdbcUrl("postgres");
        boolean follows = fencing.awaitTrue(Duration.ofSeconds(10), () -> "1".equals(queryQuietly(url, streaming)));
        if (!follows) {
            step("node3 does not stream from node2 (repmgr refused the follow): rejoining it");
            lab.rejoin(3, 2);
            await("node3 streaming from node2 after the rejoin").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "1".equals(queryQuietly(url, streaming)));
        }
    }

    static String queryQuietly(String url, String query) {
        try {
            return Sql.one(url, "postgres", query);
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    /** node3's promote_command, {@code pgfence promote}, run as postgres the way repmgrd runs it; its exit code. */
    static int promoteNode3ByHand(Fencing fencing, Lab lab) throws Exception {
        Path log = fencing.processes().log("promote-node3");
        Process p = new ProcessBuilder("runuser", "-u", "postgres", "--", lab.pgfenceCommand().toString(), "promote",
                "--config", fencing.configs().promoteConfig(3).toString())
                .directory(Path.of("/").toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pgfence promote on node3 did not finish within 120 s; see " + log);
        }
        return p.exitValue();
    }

    /** Progress on stdout with the time since the lab was up, to see where a slow run spends it. */
    static void step(String what) {
        System.out.printf("[audit-it +%.1fs] %s%n", (System.nanoTime() - started) / 1e9, what);
    }

    static int occurrences(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * The auditor's own known_hosts: node1's address as the lab's sshd presents it, node2's address missing,
     * node3's address with another ed25519 key (the lab client's), as after a host was re-keyed or spoofed.
     */
    static Path auditorKnownHosts(Lab lab, Path dir) throws IOException {
        String missing = "[" + lab.node(2).address() + "]:";
        String spoofed = "[" + lab.node(3).address() + "]:";
        String[] otherKey = Files.readString(lab.layout().clientKey().resolveSibling("id_ed25519.pub")).trim().split(" ");
        String text = Files.readAllLines(lab.layout().knownHosts()).stream()
                .filter(l -> !l.startsWith(missing))
                .map(l -> l.startsWith(spoofed) ? l.substring(0, l.indexOf(' ')) + " " + otherKey[0] + " " + otherKey[1] : l)
                .collect(Collectors.joining("\n", "", "\n"));
        Path file = dir.resolve("audit-known_hosts");
        Files.writeString(file, text);
        return file;
    }

    /** The generated audit.yaml, to change as an operator would. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> auditConfig(Fencing fencing) throws IOException {
        return YAML.readValue(fencing.configs().auditConfig().toFile(), Map.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> section(Map<String, Object> config, String key) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>((Map<String, Object>) config.get(key));
        config.put(key, copy);
        return copy;
    }
}
