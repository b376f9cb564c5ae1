package org.pgfence.lab.drill;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the drill saw: a timeline relative to the crash, and named checks that pass or fail. */
public final class DrillReport {
    public record Check(String name, boolean ok, String detail) {
    }

    public record Row(String host, String ack, String ackAfterEvent, String rwAfter, long rows, long errors) {
    }

    private final PrintStream out;
    private final List<Check> checks = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private Instant zero;

    public DrillReport(PrintStream out) {
        this.out = out;
    }

    public void zero(Instant t0) {
        this.zero = t0;
    }

    /** A timeline line, printed at once so a person watching sees progress. */
    public void at(Instant when, String what) {
        String stamp = zero == null ? "   setup   " : String.format("%+9d ms", Duration.between(zero, when).toMillis());
        out.printf("  %s  %s%n", stamp, what);
        out.flush();
    }

    public void note(String what) {
        out.printf("               %s%n", what);
        out.flush();
    }

    public boolean check(String name, boolean ok, String detail) {
        checks.add(new Check(name, ok, detail));
        out.printf("  [%s] %s: %s%n", ok ? " ok " : "FAIL", name, detail);
        out.flush();
        return ok;
    }

    public void row(Row row) {
        rows.add(row);
    }

    public List<Check> checks() {
        return List.copyOf(checks);
    }

    public boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::ok);
    }

    public void printSummary() {
        out.println();
        out.println("summary");
        out.printf("  %-8s %-12s %-14s %-12s %8s %8s%n", "host", "ack", "ack after pub", "appdb-rw", "rows", "errors");
        for (Row r : rows) {
            out.printf("  %-8s %-12s %-14s %-12s %8d %8d%n", r.host(), r.ack(), r.ackAfterEvent(), r.rwAfter(), r.rows(), r.errors());
        }
        long failed = checks.stream().filter(c -> !c.ok()).count();
        out.printf("  checks: %d passed, %d failed%n", checks.size() - failed, failed);
        checks.stream().filter(c -> !c.ok()).forEach(c -> out.printf("    FAILED %s: %s%n", c.name(), c.detail()));
        out.println(passed() ? "  RESULT: GREEN" : "  RESULT: RED");
        out.flush();
    }
}
