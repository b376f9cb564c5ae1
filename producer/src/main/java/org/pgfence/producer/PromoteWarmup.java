package org.pgfence.producer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.pgfence.events.Epoch;
import org.pgfence.events.EventJson;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.Trigger;
import org.pgfence.process.Threads;
import org.pgfence.producer.kafka.KafkaPublishers;
import org.pgfence.producer.postgres.LocalPrimary;
import org.pgfence.producer.postgres.NodeRow;
import org.pgfence.producer.postgres.PrimaryVerifier;
import org.pgfence.producer.postgres.VerificationException;
import org.pgfence.runtime.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rehearses, on a daemon thread, what the announcement will run once the promotion returns (the driver's classes, the
 * verifier's retry around an answer that is already a primary, the event built from this node's own config, the
 * event JSON both ways and, for promote, a record sent to a stand-in broker; the real Kafka producer is prepared by
 * {@link Publishing#prepare()}) while the promotion command runs: {@code repmgr standby promote} takes at least a
 * second, so first uses leave the failover path.
 * It opens no connection beyond loopback, and writes nothing; a failure here only costs the warm-up.
 */
final class PromoteWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(PromoteWarmup.class);
    /** How long the Kafka rehearsal may take: it runs on a daemon thread, beside a promotion of a second or more. */
    private static final Duration KAFKA_REHEARSAL = Duration.ofSeconds(5);

    private PromoteWarmup() {
    }

    /** The warm-up; with {@code kafka}, then one record through a producer to a stand-in broker (promote only). */
    static void start(PromoterConfig config, boolean kafka) {
        Threads.background("pgfence-warmup", () -> {
            run(config);
            if (kafka) {
                KafkaPublishers.rehearse(config.kafka(), KAFKA_REHEARSAL);
            }
        });
    }

    /** The rehearsal of verification and event, on the caller's thread; whether every step completed. */
    static boolean run(PromoterConfig config) {
        try {
            Class.forName("org.postgresql.Driver", true, PromoteWarmup.class.getClassLoader());
            int self = config.repmgr().nodeId();
            List<NodeRow> rows = List.of(new NodeRow(self, "warmup", "primary", true, "host=localhost port=5432"),
                    new NodeRow(self + 1, "warmup-former", "primary", false, "host=localhost port=5433"));
            LocalPrimary canned = new LocalPrimary(new Epoch(1, "0"), rows);
            LocalPrimary primary = new PrimaryVerifier(deadline -> Optional.of(canned))
                    .verify(Deadline.after(Clock.systemUTC(), Duration.ofSeconds(1)));
            MasterPromoted event = new EventBuilder(config).build(
                    new Announcement(Trigger.REPMGRD_FAILOVER, null, Instant.EPOCH, OptionalInt.empty()), primary,
                    Instant.EPOCH);
            EventJson.fromBytes(EventJson.toBytes(event), MasterPromoted.class); // spooled, then read by the flush
            return true;
        } catch (ClassNotFoundException | LinkageError | RuntimeException | VerificationException e) {
            LOG.debug("Warm-up incomplete: {}", e.toString());
            return false;
        }
    }
}
