package org.pgfence.producer;

import java.time.Instant;
import java.util.UUID;
import org.pgfence.events.Epoch;
import org.pgfence.events.FormerPrimary;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;

/** Test events. */
public final class Events {
    private Events() {
    }

    public static MasterPromoted promoted(Instant at, int timeline) {
        return new MasterPromoted(1, UUID.randomUUID(), "lab", at, "node2", Trigger.REPMGRD_FAILOVER, null,
                new NodeRef(2, "node2", "127.0.0.12", 5432), new FormerPrimary(1, "node1"),
                new Epoch(timeline, "7441234567890123456"));
    }
}
