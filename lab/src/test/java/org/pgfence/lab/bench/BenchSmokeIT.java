package org.pgfence.lab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pgfence.cli.Main;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.TestKafka;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** {@code pgfence bench} in miniature (N=3, K=1, one warm-up reconcile, one classic run; kept small for the suite's 20 minutes), through the real CLI on a real lab. */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class BenchSmokeIT {

    @Test
    void smallBenchCompletesAndPrintsItsTables() throws Exception {
        Path dir = Files.createTempDirectory("pgfence-lab-bench-");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PGFENCE_LAB_DIR", dir.toString());
        env.put("PGFENCE_LAB_NET", System.getenv().getOrDefault("PGFENCE_LAB_NET", LabExtension.TEST_NET));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int rc = Main.run(new String[] {"bench", "--hosts", "3", "--promotions", "1", "--classic-runs", "1", "--warmup", "1",
                "--kafka-bootstrap", TestKafka.bootstrapServers()}, env, new PrintStream(out, true), new PrintStream(err, true));

        String text = out.toString();
        System.out.print(text);
        assertThat(rc).as("pgfence bench: %s", err).isZero();
        assertThat(text).contains("fencing latency: master-promoted published -> every agent's verified ack")
                .containsPattern("(?m)^ +3 +1/1 +\\d+ +\\d+ +\\d+ +\\d+ \\|")
                .contains("classic recipe (SKIP_PROMOTE=1")
                .containsPattern("(?m)^ +3 +1/1 +\\d+")
                .contains("N=3   idle: 3 agents: RSS median")
                .containsPattern("warm-up: 1 reconciles per agent \\(SIGHUP\\) in \\d+ ms");
        assertThat(dir).doesNotExist();
    }
}
