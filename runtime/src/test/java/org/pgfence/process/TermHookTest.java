package org.pgfence.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real SIGTERM to a child JVM that runs like the agent and the auditor do. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TermHookTest {

    /** The child: a main path that runs until stopped, then takes a while to close what it owns. */
    public static final class Daemon {
        public static void main(String[] args) throws InterruptedException {
            CountDownLatch stopped = new CountDownLatch(1);
            try (TermHook term = TermHook.install("test-stop", () -> {
                System.out.println("stop requested");
                stopped.countDown();
            }, Duration.ofSeconds(20))) {
                System.out.println("running");
                stopped.await();
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos()); // closing takes time: the JVM must wait
                System.out.println("closed, requested=" + term.requested());
            }
        }
    }

    /** The child when its main path ends by itself: the hook is removed and runs no stop. */
    public static final class Finisher {
        public static void main(String[] args) {
            try (TermHook term = TermHook.install("test-stop", () -> System.out.println("stop requested"),
                    Duration.ofSeconds(20))) {
                System.out.println("done, requested=" + term.requested());
            }
        }
    }

    @Test
    void sigtermRunsTheStopWaitsForTheMainPathToCloseAndExits143() throws Exception {
        Process p = child(Daemon.class);
        String first = new String(p.getInputStream().readNBytes("running\n".length()), StandardCharsets.UTF_8);
        assertThat(first).isEqualTo("running\n");
        // SIGTERM as systemd sends it (Process.destroy() would also close our end of the child's output)
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(rest.lines().toList()).containsExactly("stop requested", "closed, requested=true");
        assertThat(p.exitValue()).isEqualTo(143);
    }

    @Test
    void aMainPathThatEndsByItselfRunsNoStop() throws Exception {
        Process p = child(Finisher.class);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList())
                .containsExactly("done, requested=false");
        assertThat(p.exitValue()).isZero();
    }

    private static Process child(Class<?> main) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), main.getName())).redirectErrorStream(true).start();
    }
}
