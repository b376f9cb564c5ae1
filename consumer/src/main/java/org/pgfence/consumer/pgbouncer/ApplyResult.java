package org.pgfence.consumer.pgbouncer;

import java.util.List;

/**
 * What an apply did: whether the file was rewritten, the sha256 of the file now on disk, and the admin
 * commands it ran (RELOAD, KILL, RESUME, DISABLE, ENABLE), in order.
 */
public record ApplyResult(boolean written, String sha256, List<String> actions) {
    public ApplyResult {
        actions = List.copyOf(actions);
    }

    /** Nothing written and no command needed: pgbouncer already served this ini. */
    public boolean unchanged() {
        return !written && actions.isEmpty();
    }
}
