package org.pgfence.consumer.agent;

import java.time.Instant;
import java.util.UUID;
import org.pgfence.consumer.discovery.JdbcNodeProbe;
import org.pgfence.events.Epoch;
import org.pgfence.events.EventJson;
import org.pgfence.events.FormerPrimary;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.events.kafka.EventDeserializer;
import org.pgfence.pgbouncer.AdminCommands;
import org.pgfence.process.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does, once and on a daemon thread at start, the one-time work an agent's first promotion used to pay
 * for on the fencing path. Agents run for months between failovers, so the first promotion after a start is
 * the case production sees. A class-load log of an agent's first event on the bench (BENCHMARKS.md) showed
 * it building Jackson's {@code master-promoted} deserializer (~60 ms) and initialising pgjdbc's error
 * reporting for the demoted primary's broken connection (~25 ms: its resource bundle, MessageFormat).
 * It opens no connection, writes nothing and sends nothing. An exception here only costs the warm-up; an Error does
 * not stay here: a class that failed to initialise (as Jackson's StdDateFormat did on the JDK's locale-cache race,
 * JDK-8289220) is unusable for the JVM's life, so the thread dies and the agent exits to be restarted
 * ({@code FatalErrors}) instead of running on unable to decode or acknowledge an event.
 */
final class EventPathWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(EventPathWarmup.class);

    private EventPathWarmup() {
    }

    static Thread start() {
        return Threads.background("pgfence-warmup", EventPathWarmup::run);
    }

    /** Returns whether every step completed. */
    static boolean run() {
        try {
            Decoded d = new EventDeserializer().deserialize("warmup", EventJson.toBytes(sample()));
            if (d.as(MasterPromoted.class).isEmpty()) {
                throw new IllegalStateException("the sample event did not decode: " + d.error());
            }
            JdbcNodeProbe.warmUp();
            AdminCommands.kill("warmup");
            return true;
        } catch (RuntimeException e) {
            LOG.warn("warm-up incomplete", e);
            return false;
        }
    }

    static MasterPromoted sample() {
        return new MasterPromoted(MasterPromoted.SCHEMA_VERSION, new UUID(0, 1), "warmup", Instant.EPOCH,
                "warmup", Trigger.REPMGRD_FAILOVER, "repmgrd_failover_promote", new NodeRef(2, "warmup", "localhost", 5432),
                new FormerPrimary(1, "warmup"), new Epoch(2, "0"));
    }
}
