package org.pgfence.audit.store;

import java.time.Instant;

/** One SSH remediation attempt of {@code host} for a promotion, and how it ended. */
public record RemediationRecord(long promotionId, String host, int attempt, String outcome, String error, Instant at) {
}
