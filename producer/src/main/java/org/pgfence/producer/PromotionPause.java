package org.pgfence.producer;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.pgfence.events.Epoch;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.process.Threads;
import org.pgfence.producer.postgres.StandbyFiles;
import org.pgfence.runtime.Deadline;
import org.pgfence.runtime.kafka.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two-phase fencing of a crash ({@code promote.pause}, DESIGN "Two-phase fencing"): as this standby is promoted, a
 * {@code fencing-started} (intent promotion, this node the candidate, held {@code promote.pause}) tells the agents to
 * PAUSE rw, so clients queue in pgbouncer while the promotion runs instead of failing against the lost primary; the
 * {@code master-promoted} that follows moves and resumes them (its timeline is above the intent's). It never delays or
 * fails the promotion: the epoch is read from the data directory's files before it (microseconds: the timeline before
 * the promotion), the producer and the publish run on a thread of their own, the promotion waits for the publish only
 * within the publish deadline it already grants the spool flush before it ({@link #awaitPublished}), and nothing
 * waits for any agent. {@link #release()}, after a failed promotion, publishes the intent again with its pause ending
 * now: every agent resumes at once. After a good one nothing is released: a release could reach an agent before the
 * {@code master-promoted} (another key, another partition) and reopen rw to a plan that does not verify the new
 * primary yet; the promotion itself ends every hold.
 */
final class PromotionPause implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PromotionPause.class);
    private static final PromotionPause OFF = new PromotionPause(null, null, null);
    private final PromoterConfig config;
    private final Epoch epoch;
    private final Clock clock;
    private final CountDownLatch published = new CountDownLatch(1);
    private volatile FencingStarted intent;
    private volatile EventPublisher publisher;

    private PromotionPause(PromoterConfig config, Epoch epoch, Clock clock) {
        this.config = config;
        this.epoch = epoch;
        this.clock = clock;
    }

    /**
     * Reads this standby's epoch from its data directory (repmgr.conf's data_directory; microseconds, before the
     * promotion starts) and starts publishing the intent in the background; a no-op when {@code promote.pause} is zero
     * (the default), or when the epoch cannot be read (logged).
     */
    static PromotionPause start(PromoterConfig c, Clock clock) {
        if (c.promotePause().isZero()) {
            return OFF;
        }
        String dataDirectory = c.repmgr().values().get("data_directory");
        Epoch epoch;
        try {
            java.util.Optional<Epoch> held = dataDirectory == null ? java.util.Optional.empty()
                    : StandbyFiles.heldEpoch(java.nio.file.Path.of(dataDirectory));
            if (held.isEmpty()) {
                LOG.warn("promote.pause: {} holds no standby's epoch (no data_directory in repmgr.conf, no"
                        + " standby.signal, or no WAL segment); promoting without pausing the clients", dataDirectory);
                return OFF;
            }
            epoch = held.get();
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("promote.pause: this standby's epoch not read from {} ({}); promoting without pausing the clients",
                    dataDirectory, e.toString());
            return OFF;
        }
        PromotionPause pause = new PromotionPause(c, epoch, clock);
        Threads.start("pgfence-promote-intent", pause::publish);
        return pause;
    }

    private void publish() {
        try {
            Instant now = clock.instant();
            FencingStarted fs = new FencingStarted(FencingStarted.SCHEMA_VERSION, UUID.randomUUID(), config.cluster(),
                    now, config.host(), FencingStarted.Intent.PROMOTION, new NodeRef(config.repmgr().nodeId(),
                    config.repmgr().nodeName(), config.repmgr().conninfo().tcpHost(), config.repmgr().conninfo().port()),
                    epoch, now.plus(config.promotePause()));
            publisher = new EventPublisher(new KafkaProducer<String, PgfenceEvent>(config.kafka().producer(
                    "pgfence-promote-intent." + config.host(), config.publishDeadline())), config.kafka().topics(),
                    config.publishDeadline());
            publisher.publish(fs);
            intent = fs;
            LOG.info("fencing-started {} published: agents pause rw of {} (from {}) until the promotion moves them, or {}",
                    fs.eventId(), fs.cluster(), epoch, fs.pauseUntil());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("promote.pause: fencing-started not published ({}); clients are not paused", e.toString());
        } finally {
            published.countDown();
        }
    }

    /**
     * Holds the promotion until the intent is on Kafka (DESIGN "Two-phase fencing": fencing-started is published before
     * the promotion runs), at most until {@code beforePromotion}, the budget the spool flush before the promotion has
     * too: Kafka trouble costs the promotion that one bound (rule 8). Without the wait, a promotion faster than the
     * intent's publish (a fresh JVM's producer: 0.3-2.5 s measured) leaves the agents nothing to pause for: they find
     * the new primary on their own re-check first and reject the late intent as below their floor
     * (PromotePauseIT; TwoPhaseFencingIT test 4 saw it).
     */
    void awaitPublished(Deadline beforePromotion) {
        if (config == null) {
            return;
        }
        long start = System.nanoTime();
        try {
            if (!published.await(beforePromotion.remainingMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("promote.pause: fencing-started not on Kafka within the publish deadline; promoting now (an"
                        + " agent that gets it late ignores it: the promotion's timeline is above the intent's)");
            } else if (intent != null) {
                LOG.info("promote.pause: the intent is on Kafka; promoting (waited {} ms for it)",
                        (System.nanoTime() - start) / 1_000_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** After a failed promotion: ends the pause now (waiting, bounded, for the intent's own publish first). */
    void release() {
        if (config == null) {
            return;
        }
        try {
            published.await(config.publishDeadline().toMillis(), TimeUnit.MILLISECONDS);
            FencingStarted fs = intent;
            if (fs == null) {
                return; // never published, or still pending: an agent that gets it late ends its pause at pauseUntil
            }
            publisher.publish(fs.endedAt(clock.instant()));
        } catch (EventPublisher.PublishException e) {
            LOG.warn("promote.pause: could not end the pause ({}); agents end it at {}", e.getMessage(),
                    intent.pauseUntil());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (config == null) {
            return;
        }
        try {
            published.await(config.publishDeadline().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        EventPublisher p = publisher;
        if (p != null) {
            p.close();
        }
    }
}
