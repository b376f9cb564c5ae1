package org.pgfence.consumer.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.http.Metrics;
import org.pgfence.events.AckStatus;
import org.pgfence.events.Epoch;
import org.pgfence.events.FencingAck;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.MaintenanceMode;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.runtime.Backoff;
import org.pgfence.runtime.LogContext;
import org.pgfence.runtime.http.Health;
import org.pgfence.runtime.kafka.EventPublisher;
import org.pgfence.runtime.kafka.PollLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one loop, a {@link PollLoop} (the auditor's shape too): its thread owns the Kafka consumer. It starts
 * by raising the epoch floor from the promotions topic (again each round while the floor is unknown). A trigger that
 * changed what the host routes, and every event's ack, make the next heartbeat due at once. Each round: reconcile the
 * clusters that are due (on start, every reconcileInterval, fenced-closed ones with backoff), heartbeat if due, then
 * poll promotions and handle each record: ack published first, offset committed after. An ack Kafka does not take
 * leaves the record uncommitted: the partition is rewound and paused with backoff, and the record handled again
 * (idempotently). {@link #shutdown()} sets a flag and wakes the poll.
 */
public final class AgentLoop implements Runnable, PollLoop.Body<Decoded> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);
    /**
     * The longest a poll waits. The schedule bounds every wait by what is due (the heartbeat, 5 s by default, at the
     * latest) and whatever else needs the loop wakes it (a floor read done, SIGHUP, shutdown), so this bound only
     * matters with a longer heartbeat. It was 500 ms: an idle agent's loop woke twice a second for nothing, half of
     * its main thread's CPU and most of its group heartbeat thread's (BENCHMARKS.md "Idle CPU").
     */
    static final Duration MAX_POLL = Duration.ofSeconds(5);
    /** While the epoch floor is unknown the loop reads the topic again itself after a backoff: it polls this long at most. */
    static final Duration UNKNOWN_FLOOR_POLL = Duration.ofMillis(500);
    private final AgentConfig config;
    private final Reconciler reconciler;
    private final EventPublisher publisher;
    private final Heartbeats heartbeats;
    private final Acks acks;
    private final Metrics metrics;
    private final Clock clock;
    private final Schedule schedule;
    private final FloorRebuild floorRebuild;
    private final BestEffort bestEffort;
    private final PollLoop<Decoded> loop;
    private final AtomicBoolean reconcileRequested = new AtomicBoolean();
    private volatile Instant lastReconcile;
    private CompletableFuture<FloorRebuild.TopicState> floorRead;

    public AgentLoop(AgentConfig config, Consumer<String, Decoded> consumer, Reconciler reconciler,
                     EventPublisher publisher, Heartbeats heartbeats, Acks acks, Metrics metrics, Clock clock,
                     FloorRebuild floorRebuild) {
        this.config = config;
        this.floorRebuild = floorRebuild;
        this.reconciler = reconciler;
        this.publisher = publisher;
        this.heartbeats = heartbeats;
        this.acks = acks;
        this.metrics = metrics;
        this.clock = clock;
        this.schedule = new Schedule(clock, config.reconcileInterval(), config.heartbeatInterval());
        this.bestEffort = new BestEffort(publisher, clock, config.reconcileInterval().multipliedBy(4));
        this.loop = new PollLoop<>("agent", consumer, List.of(config.kafka().topics().promotions()), this, clock,
                MAX_POLL, new Backoff(Duration.ofSeconds(1), config.reconcileInterval()), config.applyTimeout());
    }

    @Override
    public void run() {
        try {
            loop.run();
        } finally {
            bestEffort.close();
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
    @Override
    public void start() throws InterruptedException {
        LOG.info("agent on {} consuming {} as group {}", config.host(), config.kafka().topics().promotions(),
                org.pgfence.events.kafka.Topics.agentGroup(config.host()));
        if (floorRebuild.floorKnown()) {
            try {
                reconcileDue();
            } catch (RuntimeException e) {
                metrics.failure();
                LOG.warn("first reconcile failed, the loop's first round retries it: {}", e.toString());
            }
            floorRead = floorRebuild.readAsync();
            floorRead.whenComplete((floors, failure) -> loop.wakeup()); // collected by the next round, not a poll later
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

    /**
     * {@code /health} (any thread): the Kafka consumer has its partition, and a reconcile ran within three reconcile
     * intervals (the timer's, so a loop stuck anywhere shows). Fenced closed is healthy: the agent does its job; that
     * is what the fenced-closed metric and status say.
     */
    public Health health() {
        List<String> problems = new ArrayList<>();
        if (loop.assignedPartitions() == 0) {
            problems.add("kafka: no partition of " + config.kafka().topics().promotions() + " assigned (broker not"
                    + " reached, or the group not joined yet)");
        }
        Duration limit = config.reconcileInterval().multipliedBy(3);
        Instant last = lastReconcile;
        if (last == null || last.plus(limit).isBefore(clock.instant())) {
            problems.add("reconcile: none within " + limit.toSeconds() + " s (last: " + (last == null ? "never" : last)
                    + ")");
        }
        return new Health(problems);
    }

    /** Stops the loop from any thread; the loop's thread closes the consumer. */
    public void shutdown() {
        loop.shutdown();
    }

    /**
     * Reconciles every cluster at the next round (SIGHUP, systemd's reload). Callable from any thread,
     * including a signal handler: it only sets a flag and wakes the poll, never blocks.
     */
    public void reconcileNow() {
        reconcileRequested.set(true);
        loop.wakeup();
    }

    @Override
    public Duration beforePoll(Duration maxPoll) throws InterruptedException {
        if (reconcileRequested.getAndSet(false)) {
            LOG.info("reconcile requested (SIGHUP): reconciling every cluster now");
            schedule.allDue();
        }
        collectFloorRead();
        floorRebuild.runIfUnknown();
        reconcileDue(); // first: fencing must not wait behind a heartbeat Kafka is slow to take
        heartbeatIfDue();
        return schedule.untilNext(floorRebuild.floorKnown() ? maxPoll : UNKNOWN_FLOOR_POLL);
    }

    @Override
    public void roundFailed(RuntimeException cause) {
        metrics.failure();
    }

    @Override
    public void skipped(ConsumerRecord<String, Decoded> record, RuntimeException cause) {
        metrics.failure();
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
            if (loop.running() && schedule.isDue(cluster)) {
                FencingAck ack = reconciler.reconcile(cluster, clock.instant());
                lastReconcile = clock.instant();
                schedule.reconciled(cluster, !reconciler.paused(cluster)
                        && (reconciler.fencedClosed(cluster) || ack.status() == AckStatus.FAILED));
                dueByHoldExpiry(cluster);
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

    /**
     * Returns true when the record is done with (commit it), false when its ack must be retried. A bug while handling
     * one record is logged by the loop with its coordinates, counted, and the record skipped: the timer reconcile
     * still converges the cluster.
     */
    @Override
    public boolean handle(ConsumerRecord<String, Decoded> r) throws InterruptedException {
        Decoded d = r.value();
        if (d == null || d.isTombstone()) {
            return true;
        }
        if (d.isPoison()) {
            poison(r, d);
            return true;
        }
        MaintenanceMode mode = d.as(MaintenanceMode.class).orElse(null);
        if (mode != null) {
            if (config.cluster(mode.cluster()).isPresent() && reconciler.maintenance(mode)) {
                schedule.dueNow(mode.cluster()); // acked at once: MAINTENANCE on a pause, routed again on a resume
            }
            return true;
        }
        FencingStarted intent = d.as(FencingStarted.class).orElse(null);
        if (intent != null) {
            return config.cluster(intent.cluster()).isEmpty() || answer(intent);
        }
        MasterPromoted event = d.as(MasterPromoted.class).orElse(null);
        if (event == null || config.cluster(event.cluster()).isEmpty()) {
            return true;
        }
        Instant received = clock.instant();
        FencingAck ack = reconciler.onEvent(event, received);
        schedule.reconciled(event.cluster(), reconciler.fencedClosed(event.cluster()));
        dueByHoldExpiry(event.cluster());
        schedule.heartbeatSoon(); // the auditor completes a promotion on each host's report after its ack
        return publishAck(ack, event.eventId(), received, "master-promoted");
    }

    /**
     * A {@code fencing-started}: pause and ack (ack before commit, as for a promotion); the cluster is reconciled when
     * the hold expires at the latest. Returns false when the ack must be retried.
     */
    private boolean answer(FencingStarted intent) throws InterruptedException {
        Instant received = clock.instant();
        FencingAck ack = reconciler.onFencingStarted(intent, received);
        dueByHoldExpiry(intent.cluster());
        if (ack == null) {
            return true;
        }
        schedule.heartbeatSoon();
        return publishAck(ack, intent.eventId(), received, "fencing-started");
    }

    /** A cluster whose rw databases are held paused is reconciled when the pause expires, at the latest. */
    private void dueByHoldExpiry(String cluster) {
        reconciler.holdUntil(cluster).ifPresent(t -> schedule.dueBy(cluster, t));
    }

    /** Publishes the ack of an event (ack before commit): true when Kafka took it, false to handle the event again. */
    private boolean publishAck(FencingAck ack, java.util.UUID eventId, Instant received, String what)
            throws InterruptedException {
        try (LogContext log = LogContext.with(LogContext.CLUSTER, ack.cluster()).and(LogContext.EVENT_ID, eventId)
                .and(LogContext.HOST, config.host())) {
            publisher.publish(ack);
            LOG.info("acked {} to {} in {}ms", ack.status(), what, Duration.between(received, clock.instant()).toMillis());
            return true;
        } catch (EventPublisher.PublishException e) {
            LOG.warn("ack not published, will handle the {} again: {}", what, e.getMessage());
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
                metrics.applied(cluster, Metrics.EVENT, AckStatus.FAILED, Duration.ZERO);
            }
        } catch (EventPublisher.PublishException e) {
            LOG.warn("FAILED ack for poison record {} not published: {}", where, e.getMessage());
        }
    }
}
