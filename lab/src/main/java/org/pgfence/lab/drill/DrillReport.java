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

    private final PrintStream out;
    private final List<Check> checks = new ArrayList<>();
    private List<String> columns = List.of();
    private final List<List<String>> rows = new ArrayList<>();
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

    /** The summary table's column names; {@link #row} adds its rows, one cell per column. */
    public void columns(String... names) {
        columns = List.of(names);
    }

    public void row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + columns.size() + " columns " + columns);
        }
        rows.add(java.util.Arrays.stream(cells).map(String::valueOf).toList());
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
        if (!columns.isEmpty()) {
            int[] width = new int[columns.size()];
            for (int i = 0; i < width.length; i++) {
                int col = i;
                width[i] = java.util.stream.Stream.concat(java.util.stream.Stream.of(columns), rows.stream())
                        .mapToInt(r -> r.get(col).length()).max().orElse(0);
            }
            java.util.stream.Stream.concat(java.util.stream.Stream.of(columns), rows.stream()).forEach(r -> {
                StringBuilder line = new StringBuilder(" ");
                for (int i = 0; i < width.length; i++) {
                    line.append(' ').append(String.format("%-" + width[i] + "s", r.get(i)));
                }
                out.println(line.toString().stripTrailing());
            });
        }
        long failed = checks.stream().filter(c -> !c.ok()).count();
        out.printf("  checks: %d passed, %d failed%n", checks.size() - failed, failed);
        checks.stream().filter(c -> !c.ok()).forEach(c -> out.printf("    FAILED %s: %s%n", c.name(), c.detail()));
        out.println(passed() ? "  RESULT: GREEN" : "  RESULT: RED");
        out.flush();
    }
}
