package org.pgfence.producer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.pgfence.events.MasterPromoted;
import org.pgfence.producer.postgres.LocalPrimary;
import org.pgfence.producer.postgres.PrimaryVerifier;
import org.pgfence.producer.postgres.VerificationException;
import org.pgfence.producer.spool.FlushResult;
import org.pgfence.producer.spool.Spool;
import org.pgfence.runtime.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one path from "this node was promoted" to a {@code master-promoted} on Kafka, shared by
 * {@code promote} and {@code notify}: verify the local node is primary and read its epoch, build the
 * event, write it to the spool FIRST, then flush the spool (which publishes it after anything older).
 * Never throws: every outcome is a value, so no failure here can turn a good promotion into a failed one.
 */
public final class Announcer {
    private static final Logger LOG = LoggerFactory.getLogger(Announcer.class);

    /** How an announcement ended. */
    public enum Outcome {
        /** The broker acked the event. */
        PUBLISHED,
        /** The event is safe in the spool; a later flush sends it. */
        SPOOLED,
        /** The local node could not be verified as primary (or its epoch not read): nothing was announced. */
        NOT_VERIFIED,
        /** Neither spooled nor acked (spool unwritable and Kafka unreachable): the event is lost. */
        LOST
    }

    private final PromoterConfig config;
    private final PrimaryVerifier verifier;
    private final Spool spool;
    private final Publishing publishing;
    private final EventBuilder builder;
    private final Clock clock;

    public Announcer(PromoterConfig config, PrimaryVerifier verifier, Spool spool, Publishing publishing, Clock clock) {
        this.config = config;
        this.verifier = verifier;
        this.spool = spool;
        this.publishing = publishing;
        this.builder = new EventBuilder(config);
        this.clock = clock;
    }

    public Outcome announce(Announcement announcement, Deadline overall) {
        LocalPrimary primary;
        try {
            primary = verifier.verify(overall.slice(config.verifyTimeout()));
        } catch (VerificationException e) {
            LOG.error("Not announcing the promotion: {}. Agents reconcile on their timer.", e.getMessage());
            return Outcome.NOT_VERIFIED;
        }
        MasterPromoted event;
        try {
            event = builder.build(announcement, primary, clock.instant());
        } catch (RuntimeException e) {
            LOG.error("Not announcing the promotion: cannot build the event: {}", e.toString());
            return Outcome.NOT_VERIFIED;
        }
        MDC.put("event.id", event.eventId().toString());
        try {
            LOG.info("Announcing {}: new primary {}, former {}, epoch {}", event.trigger(), event.newPrimary(),
                    event.formerPrimary() == null ? "unknown" : event.formerPrimary().name(), event.epoch());
            return spoolAndPublish(event, overall);
        } finally {
            MDC.remove("event.id");
        }
    }

    private Outcome spoolAndPublish(MasterPromoted event, Deadline overall) {
        try {
            Path file = spool.write(event);
            LOG.debug("Spooled to {}", file);
        } catch (IOException e) {
            LOG.error("Cannot spool the event to {} ({}); publishing without a safety net", spool.dir(), e.toString());
            return publishing.publishUnspooled(event, overall) ? Outcome.PUBLISHED : Outcome.LOST;
        }
        FlushResult result = publishing.flush(overall);
        if (result.empty()) {
            return Outcome.PUBLISHED;
        }
        LOG.warn("Event stays spooled in {} ({}); `pgfence spool flush` or the next promote/notify sends it",
                spool.dir(), result.problem());
        return Outcome.SPOOLED;
    }
}
