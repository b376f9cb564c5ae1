package org.pgfence.consumer.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what nothing waits for (reconcile acks and heartbeats: the next reconcile or heartbeat sends a fresh
 * one) without letting an unreachable Kafka stretch the agent's timer. Each publish may block up to applyTimeout,
 * and the loop publishes a reconcile ack and a heartbeat every round: with the broker down, a reconcile due every
 * 2 s ran every ~20 s, so a pgbouncer kept routing to a primary that had crashed and came back stale (found by the
 * fault campaign). After a failure the next publishes are skipped until a backoff (1 s, doubling up to the
 * reconcile interval) has passed; the first success resets it. Event acks do not go through here: their offset is
 * committed only once Kafka took them.
 */
final class BestEffort {
    private static final Logger LOG = LoggerFactory.getLogger(BestEffort.class);
    private final EventPublisher publisher;
    private final Clock clock;
    private final Backoff backoff;
    private Instant quietUntil = Instant.MIN;
    private long skipped;

    BestEffort(EventPublisher publisher, Clock clock, Duration cap) {
        this.publisher = publisher;
        this.clock = clock;
        this.backoff = new Backoff(Duration.ofSeconds(1), cap);
    }

    /** Publishes {@code event} (an ack or a heartbeat) unless Kafka failed recently; returns whether it was sent. */
    boolean publish(PgfenceEvent event, String what) throws InterruptedException {
        Instant now = clock.instant();
        if (now.isBefore(quietUntil)) {
            skipped++;
            return false;
        }
        try {
            if (event instanceof org.pgfence.events.FencingAck ack) {
                publisher.publish(ack);
            } else if (event instanceof org.pgfence.events.AgentHeartbeat heartbeat) {
                publisher.publish(heartbeat);
            } else {
                throw new IllegalArgumentException("not an ack or a heartbeat: " + event);
            }
            if (skipped > 0) {
                LOG.info("Kafka takes {}s again ({} skipped while it did not)", what, skipped);
            }
            backoff.reset();
            skipped = 0;
            return true;
        } catch (EventPublisher.PublishException e) {
            Duration quiet = backoff.next();
            quietUntil = clock.instant().plus(quiet);
            LOG.warn("{} not published (the next one replaces it); skipping them for {}ms: {}", what, quiet.toMillis(),
                    e.getMessage());
            return false;
        }
    }
}
