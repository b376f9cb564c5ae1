package org.pgfence.audit.store;

import java.time.Instant;

/** A cluster in maintenance mode: who paused it, since when, and why. */
public record MaintenanceRecord(String cluster, String reason, String operator, Instant since) {
}
