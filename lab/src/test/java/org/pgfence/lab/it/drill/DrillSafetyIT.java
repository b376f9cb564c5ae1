package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.drill.DrillReport;
import org.pgfence.lab.drill.FailoverDrill;
import org.pgfence.lab.drill.Fencing;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The safety check (issue 6 §2) as a test: the demo's {@link FailoverDrill} on a real lab (writers through
 * every pgbouncer, node1 crashed, repmgrd promotes node2, pgfence fences, node1 restarted as a stale
 * primary), then the fault-matrix row "old primary restarted: never routed; agents report it".
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class DrillSafetyIT {
    private static final ByteArrayOutputStream TIMELINE = new ByteArrayOutputStream();
    private static Fencing fencing;
    private static DrillReport report;

    @BeforeAll
    static void runTheDrill(Lab lab) throws InterruptedException {
        fencing = FaultKit.fencing(lab, "safety", false);
        PrintStream both = new PrintStream(new Tee(System.out, TIMELINE), true, StandardCharsets.UTF_8);
        report = new FailoverDrill(fencing, new DrillReport(both), Clock.systemUTC()).run();
        report.printSummary();
    }

    @AfterAll
    static void stop() {
        if (fencing != null) {
            fencing.close();
        }
    }

    @Test
    @Order(1)
    void everyCheckOfTheDrillPasses() {
        assertThat(report.checks()).extracting(DrillReport.Check::name).containsExactly("agents up", "every host acked",
                "auditor says complete", "agents re-checked with the stale primary up", "stale primary never routed",
                "safety: no write on the old primary after fencing completed");
        assertThat(report.checks()).allSatisfy(c -> assertThat(c.ok()).as(c.name() + ": " + c.detail()).isTrue());
        assertThat(report.passed()).isTrue();
    }

    @Test
    @Order(2)
    void noRowLandedOnTheOldPrimaryAfterCompletionNeitherAfterRestartNorAfterTwoReconciles() {
        assertThat(report.checks()).filteredOn(c -> c.name().startsWith("safety"))
                .singleElement().extracting(DrillReport.Check::detail).isEqualTo("0 / 0 rows");
    }

    @Test
    @Order(3)
    void clientErrorsOfTheFailoverWindowAreReportedWithTheirWindow() {
        Matcher m = Pattern.compile("client errors during the failover window[^:]*: (\\d+), from \\+(\\d+) ms to \\+(\\d+) ms")
                .matcher(TIMELINE.toString(StandardCharsets.UTF_8));
        assertThat(m.find()).as("the timeline reports the client errors:\n" + TIMELINE).isTrue();
        assertThat(Long.parseLong(m.group(1))).as("writes through a pgbouncer still routed to the crashed node1 fail")
                .isPositive();
        assertThat(Long.parseLong(m.group(3))).isGreaterThanOrEqualTo(Long.parseLong(m.group(2)));
    }

    @Test
    @Order(4)
    void restartedOldPrimaryIsNeverRoutedAndEveryAgentReportsIt(Lab lab) {
        assertThat(lab.probe(1)).as("node1 is back as a stale primary")
                .hasValueSatisfying(p -> assertThat(p.inRecovery()).isFalse());
        // repmgrd elects the standby with the highest received LSN first, priority and node id only on a tie
        // (repmgrd-physical.c, do_election): with writers running at the crash that is node2 or node3
        LabNode primary = lab.currentPrimary().orElseThrow();
        assertThat(primary.id()).as("the promoted node is on the top timeline, not node1").isNotEqualTo(1);
        assertThat(fencing.awaitRouted("appdb-rw", primary, Duration.ofSeconds(5)))
                .as("every pgbouncer routes appdb-rw to " + primary.name() + ": " + lab.pgbouncers().stream()
                        .map(p -> p.host() + " -> " + Fencing.target(p, "appdb-rw")).toList()).isTrue();
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(Fencing.target(p, "appdb-ro")).as(p.host() + " appdb-ro").isNotEqualTo(FaultKit.rw(lab.node(1)));
            assertThat(FaultKit.ini(p)).as(p.host() + " ini").doesNotContain(lab.node(1).address());
            boolean reported = fencing.awaitTrue(Duration.ofSeconds(15), () -> FaultKit.metric(FaultKit.metrics(p),
                    "pgfence_agent_stale_writers{cluster=\"lab\"}") == 1);
            assertThat(reported).as(p.host() + " /metrics pgfence_agent_stale_writers{cluster=\"lab\"} = 1").isTrue();
            assertThat(FaultKit.agentLog(fencing, p)).as(p.host() + " agent log")
                    .containsPattern("WARN .*stale writer .*node1.* is writable on timeline 1, below the top timeline 2");
        }
    }

    /** Writes to two streams: the console (progress) and a buffer the tests read. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
