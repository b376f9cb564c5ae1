package org.pgfence.audit.remediation;

import java.util.List;
import org.pgfence.audit.store.RemediationRecord;

/** Whether another remediation attempt of one (promotion, host) is due, given the attempts so far. */
public final class AttemptPolicy {
    private AttemptPolicy() {
    }

    public record Decision(boolean attempt, String reason) {
    }

    public static Decision decide(List<RemediationRecord> past, int maxAttempts) {
        for (RemediationRecord r : past) {
            if (Outcome.APPLIED.name().equals(r.outcome())) {
                return new Decision(false, "already remediated (attempt " + r.attempt() + ")");
            }
            if (isPermanent(r.outcome())) {
                return new Decision(false, "attempt " + r.attempt() + " failed permanently, not retried: " + r.error());
            }
        }
        if (past.size() >= maxAttempts) {
            RemediationRecord last = past.get(past.size() - 1);
            return new Decision(false, "gave up after " + past.size() + " attempts; last: " + last.outcome()
                    + ": " + last.error());
        }
        return new Decision(true, null);
    }

    private static boolean isPermanent(String outcome) {
        try {
            return Outcome.valueOf(outcome).permanent();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
