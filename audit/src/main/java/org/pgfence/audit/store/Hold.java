package org.pgfence.audit.store;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Two-phase fencing's hold before a promotion: the fencing-started in force when the promotion occurred (its sender,
 * intent, candidate, when it was published and until when it held), and when each host acked it PAUSED, by host.
 */
public record Hold(UUID eventId, String intent, String sourceHost, String candidate, Instant occurredAt,
                   Instant pauseUntil, Map<String, Instant> pausedAt) {

    public Hold {
        pausedAt = Map.copyOf(pausedAt);
    }
}
