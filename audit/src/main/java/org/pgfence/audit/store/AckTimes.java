package org.pgfence.audit.store;

import java.time.Instant;

/**
 * When one host's ack linked to a promotion was made, by the agent's clock ({@code receivedAt}: the event reached it;
 * {@code completedAt}: its apply was verified), and when the auditor recorded it ({@code recordedAt}, the auditor's
 * clock). {@code receivedAt} is null for an ack that answered no event (a reconcile, or an SSH repair).
 */
public record AckTimes(String host, String status, Instant receivedAt, Instant completedAt, Instant recordedAt,
                       Long discoverMillis, Long applyMillis) {
}
