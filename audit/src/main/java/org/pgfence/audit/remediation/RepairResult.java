package org.pgfence.audit.remediation;

import java.util.List;
import org.pgfence.events.DatabaseTarget;

/** The outcome of one repair, what it routed (when applied) and why it failed (otherwise). */
public record RepairResult(Outcome outcome, List<DatabaseTarget> targets, String configSha256, String error) {

    public RepairResult {
        targets = List.copyOf(targets);
    }

    public static RepairResult failed(Outcome outcome, String error) {
        return new RepairResult(outcome, List.of(), null, error);
    }
}
