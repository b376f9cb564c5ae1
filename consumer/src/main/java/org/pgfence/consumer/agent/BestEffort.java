package org.pgfence.consumer.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.process.Threads;
import org.pgfence.runtime.Backoff;
import org.pgfence.runtime.kafka.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what nothing waits for (reconcile acks and heartbeats: the next reconcile or heartbeat sends a fresh
 * one) without letting an unreachable Kafka stretch the agent's timer. Waiting for each such send (up to
 * applyTimeout) made a reconcile due every 2 s run every ~20 s while the broker was down or cut off, so a pgbouncer
 * kept routing to a primary that had crashed and came back stale (found by the fault campaign). Even handing a
 * record to the producer blocks up to max.block.ms once the producer has dropped the topic's metadata (it does after
 * a disconnect), so the hand-over runs on a thread of its own, in order, with room for {@value #BACKLOG} waiting
 * (an ack and a heartbeat due in the same round both go); while it is stuck and the room is full, the next ones
 * are skipped. A failure Kafka reports later makes them skipped until a backoff (1 s doubling to {@code cap}) has passed;
 * a success resets it. Event acks do not go through here: their offset is committed only once Kafka took them.
 */
final class BestEffort {
    private static final Logger LOG = LoggerFactory.getLogger(BestEffort.class);
    private final EventPublisher publisher;
    private final Clock clock;
    private final Backoff backoff;
    private final AtomicReference<Instant> quietUntil = new AtomicReference<>(Instant.MIN);
    private final AtomicLong skipped = new AtomicLong();
    static final int BACKLOG = 16;
    private final java.util.concurrent.ThreadPoolExecutor sender = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
            java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(BACKLOG), Threads.daemons("pgfence-best-effort-publish"), new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());

    BestEffort(EventPublisher publisher, Clock clock, Duration cap) {
        this.publisher = publisher;
        this.clock = clock;
        this.backoff = new Backoff(Duration.ofSeconds(1), cap);
    }

    /** Whether no hand-over is under way or waiting (for tests). */
    boolean idle() {
        return sender.getActiveCount() == 0 && sender.getQueue().isEmpty();
    }

    /** Stops the hand-over thread (a record it holds is dropped, as a failed one would be). */
    void close() {
        sender.shutdownNow();
    }

    /**
     * Hands {@code event} (an ack or a heartbeat) over unless Kafka failed recently or the hand-over is stuck with
     * its room full; never blocks. Returns whether it was queued.
     */
    boolean publish(PgfenceEvent event, String what) {
        if (clock.instant().isBefore(quietUntil.get())) {
            skipped.incrementAndGet();
            return false;
        }
        try {
            sender.execute(() -> {
                try {
                    publisher.publishAsync(event, e -> {
                        if (e == null) {
                            succeeded(what);
                        } else {
                            failed(what, e.toString());
                        }
                    });
                } catch (EventPublisher.PublishException e) {
                    failed(what, e.getMessage());
                }
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            skipped.incrementAndGet();
            return false;
        }
    }

    private synchronized void succeeded(String what) {
        long missed = skipped.getAndSet(0);
        if (missed > 0) {
            LOG.info("Kafka takes {}s again ({} skipped while it did not)", what, missed);
        }
        backoff.reset();
    }

    private synchronized void failed(String what, String why) {
        if (clock.instant().isBefore(quietUntil.get())) {
            return; // one of several sends in flight when Kafka went away: the quiet period is already set
        }
        Duration quiet = backoff.next();
        quietUntil.set(clock.instant().plus(quiet));
        LOG.warn("{} not published (the next one replaces it); skipping them for {}ms ({} skipped so far): {}", what,
                quiet.toMillis(), skipped.get(), why);
    }
}
