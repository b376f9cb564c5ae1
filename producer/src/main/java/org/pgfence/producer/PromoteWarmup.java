package org.pgfence.producer;

import java.time.Instant;
import java.util.UUID;
import org.pgfence.events.Epoch;
import org.pgfence.events.EventJson;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;
import org.pgfence.process.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and initialises, on a daemon thread, the classes the announcement will need (pgjdbc, the event
 * JSON mapper both ways, the event id's SecureRandom; the Kafka producer is prepared by
 * {@link Publishing#prepare()}) while the promotion command runs: {@code repmgr standby promote} takes at
 * least a second, so this takes class loading off the failover path.
 * It opens no connection and creates no client; a failure here only costs the warm-up.
 */
final class PromoteWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(PromoteWarmup.class);

    private PromoteWarmup() {
    }

    static void start() {
        Threads.background("pgfence-warmup", PromoteWarmup::run);
    }

    private static void run() {
        try {
            ClassLoader loader = PromoteWarmup.class.getClassLoader();
            Class.forName("org.postgresql.Driver", true, loader);
            byte[] spooled = EventJson.toBytes(new MasterPromoted(MasterPromoted.SCHEMA_VERSION, UUID.randomUUID(),
                    "warmup", Instant.EPOCH, "warmup", Trigger.MANUAL, null,
                    new NodeRef(1, "warmup", "localhost", 5432), null, new Epoch(1, "0")));
            EventJson.fromBytes(spooled, MasterPromoted.class); // the flush reads the spooled event back
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            LOG.debug("Warm-up incomplete: {}", e.toString());
        }
    }
}
