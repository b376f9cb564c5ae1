package org.pgfence.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class FatalErrorsTest {

    /**
     * Found by `pgfence bench --hosts 30`: in one agent of 30 the warm-up thread's first use of Jackson hit the JDK's
     * locale-cache race, StdDateFormat failed to initialise, and the agent ran on for good unable to serialise an ack
     * or a heartbeat (every publish: NoClassDefFoundError). A thread that dies of an Error ends the process with 70, so
     * systemd restarts it and a fresh JVM initialises the class again.
     */
    @Test
    @Timeout(60)
    void aThreadDyingOfAClassThatFailedToInitialiseEndsTheProcessWith70(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("probe.log");
        Process p = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                FatalErrorProbe.class.getName())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = p.waitFor(20, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(exited).as("the probe exited within 20 s; its output:%n%s", out).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(ExitCode.INTERNAL.code());
        assertThat(out).contains("probe-warmup").contains("ExceptionInInitializerError").doesNotContain("still running");
    }
}
