package org.pgfence.consumer.decision;

import org.pgfence.consumer.config.DatabaseConfig;
import org.pgfence.events.NodeRef;

/** Where one pgbouncer database should point; {@code target} null means closed (fail-closed rendering). */
public record PlannedEntry(DatabaseConfig database, NodeRef target) {
    public boolean closed() {
        return target == null;
    }
}
