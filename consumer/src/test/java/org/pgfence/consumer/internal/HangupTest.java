package org.pgfence.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGHUP as "reconcile now", in real child JVMs: installed, it runs the action on a real {@code kill -HUP}; started
 * under {@code nohup} (or any parent that ignores HUP), the JVM refuses the handler and HUP stays ignored, which must
 * be said, not silently lost (found when a fresh-clone suite run under nohup failed AgentFailoverIT's SIGHUP test).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HangupTest {

    /** The child: installs the handler, says whether it took, then (if it did) waits for one HUP (or 20 s). */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            java.util.concurrent.CountDownLatch hup = new java.util.concurrent.CountDownLatch(1);
            boolean installed = Hangup.onHangup(hup::countDown);
            System.out.println("installed=" + installed);
            System.out.flush();
            if (installed) {
                System.out.println("hup=" + hup.await(20, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aRealSighupRunsTheAction() throws Exception {
        Process p = child(false);
        String first = readLine(p);
        assertThat(first).isEqualTo("installed=true");
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor()).isZero();
        assertThat(readLine(p)).isEqualTo("hup=true");
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void underNohupTheHandlerIsRefusedAndThatIsSaid() throws Exception {
        Process p = child(true);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("the handler is refused, and onHangup says so (its WARN goes to the agent's log)")
                .contains("installed=false");
    }

    private static Process child(boolean nohup) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = new ArrayList<>();
        if (nohup) {
            argv.add("nohup");
        }
        argv.addAll(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Probe.class.getName()));
        // nohup writes to nohup.out only when stdout is a terminal; here it is a pipe, so the output comes back
        return new ProcessBuilder(argv).redirectErrorStream(true).start();
    }

    /** The child's next line that says something of its own (SLF4J's no-provider notice is skipped). */
    private static String readLine(Process p) throws Exception {
        while (true) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = p.getInputStream().read()) != -1 && c != '\n') {
                line.append((char) c);
            }
            String s = line.toString();
            if (c == -1 || s.startsWith("installed=") || s.startsWith("hup=")) {
                return s;
            }
        }
    }
}
