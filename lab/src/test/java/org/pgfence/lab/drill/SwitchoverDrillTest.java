package org.pgfence.lab.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgfence.lab.LabNode;

class SwitchoverDrillTest {
    private static final LabNode OLD = new LabNode(1, "node1", "127.0.0.11", 5432, Path.of("/tmp/n1"));
    private static final LabNode NEW = new LabNode(2, "node2", "127.0.0.12", 5432, Path.of("/tmp/n2"));
    private static final Instant T = Instant.parse("2026-12-04T17:00:00Z");

    private static Writers.Write write(String host, int ms, LabNode on) {
        return new Writers.Write(host, T.plusMillis(ms), on == OLD ? 1 : 2, on.address());
    }

    @Test
    void writesThatMovedOnceAreNotCountedAgainstTheOldPrimary() {
        List<Writers.Write> writes = List.of(write("pgb1", 0, OLD), write("pgb2", 5, OLD), write("pgb1", 10, NEW),
                write("pgb2", 20, OLD), write("pgb2", 30, NEW), write("pgb1", 40, NEW));
        assertThat(SwitchoverDrill.backOnOld(writes, OLD, NEW)).isZero();
    }

    @Test
    void aWriteOnTheOldPrimaryAfterTheWritersFirstOnTheNewOneIsCounted() {
        List<Writers.Write> writes = List.of(write("pgb1", 0, NEW), write("pgb2", 5, OLD), write("pgb1", 10, OLD),
                write("pgb1", 20, NEW), write("pgb1", 30, OLD));
        assertThat(SwitchoverDrill.backOnOld(writes, OLD, NEW)).isEqualTo(2);
    }

    @Test
    void theSummaryTableSizesEachColumnToItsWidestCell() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DrillReport report = new DrillReport(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        report.columns("host", "tx errors");
        report.row("node1", 0);
        report.row("node-long", 12);
        report.check("a check", true, "fine");
        report.printSummary();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("  host      tx errors\n", "  node1     0\n",
                "  node-long 12\n", "RESULT: GREEN");
        assertThatThrownBy(() -> report.row("only one cell")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 cells for 2 columns");
    }
}
