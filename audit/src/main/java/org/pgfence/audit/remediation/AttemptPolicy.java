package org.pgfence.audit.remediation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.pgfence.audit.store.RemediationRecord;
import org.pgfence.runtime.Backoff;

/**
 * Whether another remediation attempt of one (promotion, host) is due, given the attempts so far: at most
 * {@code maxAttempts}, none after an APPLIED one or a permanent failure, and each retry spaced from the previous
 * attempt by {@link #FIRST_RETRY} doubled per attempt (capped at {@link #MAX_RETRY}). The spacing lets a transient
 * cause pass, e.g. the second or so in which a just-promoted node's repmgr metadata does not call it primary yet,
 * in which the host's own renderer fails closed.
 */
public final class AttemptPolicy {
    static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    static final Duration MAX_RETRY = Duration.ofSeconds(60);

    private AttemptPolicy() {
    }

    /**
     * Either {@code notBefore} says when the next attempt is due (nothing to report), or {@code reason} says why there
     * will be none; with neither, an attempt starts now.
     */
    public record Decision(String reason, Instant notBefore) {
        static final Decision NOW = new Decision(null, null);

        static Decision never(String reason) {
            return new Decision(reason, null);
        }

        public boolean attempt() {
            return reason == null && notBefore == null;
        }

        public boolean waiting() {
            return notBefore != null;
        }
    }

    public static Decision decide(List<RemediationRecord> past, int maxAttempts, Instant now) {
        for (RemediationRecord r : past) {
            if (Outcome.APPLIED.name().equals(r.outcome())) {
                return Decision.never("already remediated (attempt " + r.attempt() + ")");
            }
            if (isPermanent(r.outcome())) {
                return Decision.never("attempt " + r.attempt() + " failed permanently, not retried: " + r.error());
            }
        }
        if (past.size() >= maxAttempts) {
            RemediationRecord last = past.get(past.size() - 1);
            return Decision.never("gave up after " + past.size() + " attempts; last: " + last.outcome()
                    + ": " + last.error());
        }
        if (!past.isEmpty()) {
            Instant due = past.get(past.size() - 1).at().plus(retryDelay(past.size()));
            if (now.isBefore(due)) {
                return new Decision(null, due);
            }
        }
        return Decision.NOW;
    }

    /** The wait after the {@code attempts}-th failed attempt: 2 s, 4 s, 8 s, ... at most 60 s. */
    static Duration retryDelay(int attempts) {
        return Backoff.after(attempts, FIRST_RETRY, MAX_RETRY);
    }

    private static boolean isPermanent(String outcome) {
        try {
            return Outcome.valueOf(outcome).permanent();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
