package org.pgfence.consumer.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.http.Metrics;
import org.pgfence.events.AckStatus;
import org.pgfence.events.Epoch;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.runtime.Backoff;
import org.pgfence.runtime.LogContext;
import org.pgfence.runtime.kafka.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one loop; its thread owns the Kafka consumer. It starts by raising the epoch floor from the
 * promotions topic (again each round while the floor is unknown). A trigger that changed what the host routes, and
 * every event's ack, make the next heartbeat due at once. Each round: heartbeat if due, reconcile the
 * clusters that are due (on start, every reconcileInterval, fenced-closed ones with backoff), then poll
 * promotions and handle each record in its own try/catch: ack published first, offset committed after.
 * An ack Kafka does not take leaves the record uncommitted: the partition is rewound and paused with
 * backoff, and the record handled again (idempotently). {@link #shutdown()} sets a flag and wakes the poll.
 */
public final class AgentLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);
    private static final Duration MAX_POLL = Duration.ofMillis(500);
    private final AgentConfig config;
    private final Consumer<String, Decoded> consumer;
    private final Reconciler reconciler;
    private final EventPublisher publisher;
    private final Heartbeats heartbeats;
    private final Acks acks;
    private final Metrics metrics;
    private final Clock clock;
    private final Schedule schedule;
    private final FloorRebuild floorRebuild;
    private final Backoff publishBackoff;
    private final BestEffort bestEffort;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean reconcileRequested = new AtomicBoolean();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Backoff failureBackoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
    private Instant resumeAt;
    private CompletableFuture<Map<String, Epoch>> floorRead;

    public AgentLoop(AgentConfig config, Consumer<String, Decoded> consumer, Reconciler reconciler,
                     EventPublisher publisher, Heartbeats heartbeats, Acks acks, Metrics metrics, Clock clock,
                     FloorRebuild floorRebuild) {
        this.config = config;
        this.floorRebuild = floorRebuild;
        this.consumer = consumer;
        this.reconciler = reconciler;
        this.publisher = publisher;
        this.heartbeats = heartbeats;
        this.acks = acks;
        this.metrics = metrics;
        this.clock = clock;
        this.schedule = new Schedule(clock, config.reconcileInterval(), config.heartbeatInterval());
        this.publishBackoff = new Backoff(Duration.ofSeconds(1), config.reconcileInterval());
        this.bestEffort = new BestEffort(publisher, clock, config.reconcileInterval().multipliedBy(4));
    }

    @Override
    public void run() {
        try {
            start();
            consumer.subscribe(List.of(config.kafka().topics().promotions()));
            LOG.info("agent on {} consuming {} as group {}", config.host(), config.kafka().topics().promotions(),
                    org.pgfence.events.kafka.Topics.agentGroup(config.host()));
            while (running.get()) {
                round();
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            bestEffort.close();
            LOG.info("agent loop stopped");
        }
    }

    /**
     * On start, an agent whose persisted floor is known guards its pgbouncer at once, before anything waits for Kafka:
     * a reconcile by that floor, as every reconcile while Kafka is down. Then the promotions topic is read, on a thread
     * of its own while the loop goes on, for a floor announced while the agent was down, and a floor read decides again
     * at once ({@link #collectFloorRead()}). Reading it first had left the
     * pgbouncer unguarded for up to 2 x applyTimeout with the broker down (campaign seed 2026120309, step 133: a
     * returned old primary took writes through two freshly started agents' pgbouncers). An agent without a known
     * floor (first start, state lost) reads the topic first, as before: its first decision would only close rw.
     */
    private void start() throws InterruptedException {
        if (floorRebuild.floorKnown()) {
            try {
                reconcileDue();
            } catch (RuntimeException e) {
                metrics.failure();
                LOG.warn("first reconcile failed, the loop's first round retries it: {}", e.toString());
            }
            floorRead = floorRebuild.readAsync();
        } else if (floorRebuild.run()) {
            schedule.allDue();
        }
    }

    /**
     * The floor read started on start, once done: its floors are raised here, on the loop thread, and every cluster is
     * decided again. Until then the loop reconciles by the persisted floor as usual: the read can take up to
     * 2 x applyTimeout when the broker has just stopped (campaign seed 2026120309, step 133, after d6e2da5: the
     * agent's loop waited in that read while the old primary came back writable behind its pgbouncer).
     */
    private void collectFloorRead() {
        if (floorRead == null || !floorRead.isDone()) {
            return;
        }
        try {
            if (floorRebuild.apply(floorRead.join())) {
                schedule.allDue();
            }
        } catch (CompletionException e) { // the read's own failure, as its cause
            floorRebuild.failed(e.getCause());
        } finally {
            floorRead = null;
        }
    }

    /** Stops the loop from any thread; the loop thread then closes nothing (the caller closes the consumer). */
    public void shutdown() {
        running.set(false);
        stopping.countDown();
        consumer.wakeup();
    }

    /**
     * Reconciles every cluster at the next round (SIGHUP, systemd's reload). Callable from any thread,
     * including a signal handler: it only sets a flag and wakes the poll, never blocks.
     */
    public void reconcileNow() {
        reconcileRequested.set(true);
        consumer.wakeup();
    }

    private void round() throws InterruptedException {
        try {
            if (reconcileRequested.getAndSet(false)) {
                LOG.info("reconcile requested (SIGHUP): reconciling every cluster now");
                schedule.allDue();
            }
            collectFloorRead();
            floorRebuild.runIfUnknown();
            reconcileDue(); // first: fencing must not wait behind a heartbeat Kafka is slow to take
            heartbeatIfDue();
            resumeIfDue();
            ConsumerRecords<String, Decoded> records = consumer.poll(schedule.untilNext(MAX_POLL));
            handle(records);
            failureBackoff.reset();
        } catch (WakeupException e) {
            if (!running.get()) {
                throw e;
            }
            // a reconcile request woke the poll: records fetched but not returned stay buffered
        } catch (RuntimeException e) {
            metrics.failure();
            Duration wait = failureBackoff.next();
            LOG.warn("agent loop round failed, continuing in {}ms: {}", wait.toMillis(), e.toString());
            stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void heartbeatIfDue() throws InterruptedException {
        if (!schedule.heartbeatDue()) {
            return;
        }
        schedule.heartbeatSent();
        bestEffort.publish(heartbeats.now(), "heartbeat");
    }

    private void reconcileDue() throws InterruptedException {
        for (String cluster : config.clusterNames()) {
            if (running.get() && schedule.isDue(cluster)) {
                FencingAck ack = reconciler.reconcile(cluster, clock.instant());
                schedule.reconciled(cluster, reconciler.fencedClosed(cluster) || ack.status() == AckStatus.FAILED);
                if (ack.status() != AckStatus.UNCHANGED) {
                    schedule.heartbeatSoon(); // the routing reported changed (or failed): say so now
                }
                try (LogContext log = LogContext.with(LogContext.CLUSTER, cluster).and(LogContext.EVENT_ID, null)
                        .and(LogContext.HOST, config.host())) {
                    bestEffort.publish(ack, "reconcile ack");
                }
            }
        }
    }

    private void handle(ConsumerRecords<String, Decoded> records) throws InterruptedException {
        Set<TopicPartition> done = new java.util.HashSet<>();
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, Decoded> r : records.records(tp)) {
                if (!running.get()) {
                    return;
                }
                if (!handle(r)) {
                    rewind(records, done, tp, r.offset());
                    return;
                }
                commit(tp, r.offset() + 1);
            }
            done.add(tp);
        }
    }

    /**
     * Returns true when the record is done with (commit it), false when its ack must be retried. A bug
     * while handling one record is logged with its coordinates, counted, and the record skipped: the
     * loop never stops, and the timer reconcile still converges the cluster.
     */
    boolean handle(ConsumerRecord<String, Decoded> r) throws InterruptedException {
        try {
            return handleOne(r);
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            metrics.failure();
            LOG.error("record {}-{}@{} could not be handled, skipped", r.topic(), r.partition(), r.offset(), e);
            return true;
        }
    }

    private boolean handleOne(ConsumerRecord<String, Decoded> r) throws InterruptedException {
        Decoded d = r.value();
        if (d == null || d.isTombstone()) {
            return true;
        }
        if (d.isPoison()) {
            poison(r, d);
            return true;
        }
        MasterPromoted event = d.as(MasterPromoted.class).orElse(null);
        if (event == null || config.cluster(event.cluster()).isEmpty()) {
            return true;
        }
        Instant received = clock.instant();
        FencingAck ack = reconciler.onEvent(event, received);
        schedule.reconciled(event.cluster(), reconciler.fencedClosed(event.cluster()));
        schedule.heartbeatSoon(); // the auditor completes a promotion on each host's report after its ack
        try (LogContext log = LogContext.with(LogContext.CLUSTER, event.cluster())
                .and(LogContext.EVENT_ID, event.eventId()).and(LogContext.HOST, config.host())) {
            publisher.publish(ack);
            publishBackoff.reset();
            LOG.info("acked {} in {}ms", ack.status(), Duration.between(received, clock.instant()).toMillis());
            return true;
        } catch (EventPublisher.PublishException e) {
            LOG.warn("ack not published, will handle the event again: {}", e.getMessage());
            return false;
        }
    }

    private void poison(ConsumerRecord<String, Decoded> r, Decoded d) throws InterruptedException {
        metrics.poison();
        String where = r.topic() + "-" + r.partition() + "@" + r.offset();
        String cluster = r.key();
        try (LogContext log = LogContext.with(LogContext.CLUSTER, cluster).and(LogContext.EVENT_ID, null)
                .and(LogContext.HOST, config.host())) {
            LOG.error("poison record {} skipped: {}; value starts '{}'", where, d.error().getMessage(), d.rawPreview());
            if (cluster != null && config.cluster(cluster).isPresent()) {
                Instant now = clock.instant();
                FencingAck ack = acks.ack(cluster,
                        null, AckStatus.FAILED, null, null, null, Acks.timings(null, now, 0, 0, now),
                        "poison record " + where + ": " + d.error().getMessage());
                publisher.publish(ack);
                metrics.applied(AckStatus.FAILED, Duration.ZERO);
            }
        } catch (EventPublisher.PublishException e) {
            LOG.warn("FAILED ack for poison record {} not published: {}", where, e.getMessage());
        }
    }

    /** Rewinds the failed partition to the failed record, and every partition not reached yet to its start. */
    private void rewind(ConsumerRecords<String, Decoded> records, Set<TopicPartition> done, TopicPartition failed,
                        long offset) {
        for (TopicPartition tp : records.partitions()) {
            if (!done.contains(tp)) {
                consumer.seek(tp, tp.equals(failed) ? offset : records.records(tp).get(0).offset());
            }
        }
        Duration wait = publishBackoff.next();
        resumeAt = clock.instant().plus(wait);
        consumer.pause(consumer.assignment());
        LOG.warn("paused consumption for {}ms until Kafka takes acks again", wait.toMillis());
    }

    private void resumeIfDue() {
        if (resumeAt != null && !clock.instant().isBefore(resumeAt)) {
            Set<TopicPartition> paused = consumer.paused();
            consumer.resume(paused);
            resumeAt = null;
        }
    }

    private void commit(TopicPartition tp, long next) {
        try {
            commitOnce(tp, next);
        } catch (WakeupException e) {
            if (!running.get()) {
                throw e;
            }
            // a reconcile request (not a shutdown) interrupted the commit: the wakeup is spent, commit again,
            // for abandoning the rest of this batch would skip records already fetched
            commitOnce(tp, next);
        }
    }

    private void commitOnce(TopicPartition tp, long next) {
        try {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)), config.applyTimeout());
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("commit of {} offset {} failed (the record may be handled again): {}", tp, next, e.toString());
        }
    }
}
