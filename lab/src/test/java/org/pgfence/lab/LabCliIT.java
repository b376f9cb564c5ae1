package org.pgfence.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pgfence.cli.Main;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * {@code pgfence lab up && pgfence lab failover && pgfence lab failover && pgfence lab down}, twice in a row, through
 * the real CLI.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class LabCliIT {

    @Test
    void upFailoverDownWorksTwiceInARow() throws Exception {
        Path dir = Files.createTempDirectory("pgfence-lab-cli-");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PGFENCE_LAB_DIR", dir.toString());
        env.put("PGFENCE_LAB_NET", System.getenv().getOrDefault("PGFENCE_LAB_NET", LabExtension.TEST_NET));
        Thread hook = LabExtension.downOnExit(LabSpec.defaults(env));
        try {
            for (int round = 1; round <= 2; round++) {
                assertThat(pgfence(env, "lab", "up")).contains("lab up in").contains("node1  " + env.get("PGFENCE_LAB_NET") + ".11")
                        .containsPattern("node2 +\\S+ +standby .* running, watches node1 \\(seen [0-2] s ago\\)")
                        .containsPattern("node3 +\\S+ +standby .* running, watches node1 \\(seen [0-2] s ago\\)");
                assertThat(pgfence(env, "lab", "failover")).containsPattern("node[23] is the only primary \\d+ ms after the crash \\(timeline 2\\)");
                // at once: 'failover' first waits until the last standby's repmgrd watches the new primary
                assertThat(pgfence(env, "lab", "failover")).containsPattern("node[23] is the only primary \\d+ ms after the crash \\(timeline 3\\)");
                assertThat(pgfence(env, "lab", "status")).containsPattern("node1 +\\S+ +down");
                assertThat(pgfence(env, "lab", "down")).contains("removed");
                assertThat(dir).doesNotExist();
            }
        } finally { // a failed round must not leave postmasters on the lab's addresses for the next test class
            if (Files.exists(dir)) {
                try { // the hooks', repmgrd's and PostgreSQL's logs say why; 'down' removes them
                    Lab.attach(LabSpec.defaults(env)).keepLogs(Path.of("target", "labcli-it-logs"));
                } catch (Exception e) {
                    System.err.println("could not keep the lab's logs: " + e);
                }
                Main.run(new String[] {"lab", "down"}, env, System.out, System.err);
            }
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    static String pgfence(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(args, env, new PrintStream(out, true), new PrintStream(err, true));
        String text = out.toString();
        System.out.print(text);
        assertThat(rc).as("pgfence %s: %s", String.join(" ", args), err).isZero();
        return text;
    }
}
