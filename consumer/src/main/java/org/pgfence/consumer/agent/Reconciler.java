package org.pgfence.consumer.agent;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.config.ClusterConfig;
import org.pgfence.consumer.decision.ClusterPlan;
import org.pgfence.consumer.http.Metrics;
import org.pgfence.consumer.ini.IniRenderer;
import org.pgfence.consumer.ini.RenderedCluster;
import org.pgfence.consumer.pgbouncer.ApplyException;
import org.pgfence.consumer.pgbouncer.ApplyResult;
import org.pgfence.consumer.pgbouncer.PgbouncerApplier;
import org.pgfence.consumer.state.ClusterStatus;
import org.pgfence.consumer.state.EpochStore;
import org.pgfence.consumer.state.HoldStore;
import org.pgfence.consumer.state.MaintenanceStore;
import org.pgfence.consumer.state.StatusBoard;
import org.pgfence.events.AckStatus;
import org.pgfence.events.Epoch;
import org.pgfence.events.FencingAck;
import org.pgfence.events.FencingStarted;
import org.pgfence.consumer.config.DatabaseConfig;
import org.pgfence.pgbouncer.ini.Role;
import java.util.Set;
import org.pgfence.events.MaintenanceMode;
import org.pgfence.events.MasterPromoted;
import org.pgfence.pgbouncer.ini.RenderedIni;
import org.pgfence.runtime.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trigger for one cluster, end to end except publishing: stale check, raise the epoch floor to what an event
 * announces, plan (bounded by the floor), render the whole ini (this cluster's new plan, the others' latest), apply,
 * raise the floor to the applied epoch, and build the ack.
 * Owned by the agent loop thread; never throws except on interruption.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private final AgentConfig config;
    private final Planner planner;
    private final IniRenderer renderer;
    private final PgbouncerApplier applier;
    private final EpochStore epochs;
    private final MaintenanceStore maintenance;
    private final HoldStore holds;
    private final Acks acks;
    private final StatusBoard status;
    private final Metrics metrics;
    private final Clock clock;
    private final Map<String, RenderedCluster> latest = new TreeMap<>();

    public Reconciler(AgentConfig config, Planner planner, IniRenderer renderer, PgbouncerApplier applier,
                      EpochStore epochs, MaintenanceStore maintenance, HoldStore holds, Acks acks, StatusBoard status,
                      Metrics metrics, Clock clock) {
        this.config = config;
        this.maintenance = maintenance;
        this.holds = holds;
        this.planner = planner;
        this.renderer = renderer;
        this.applier = applier;
        this.epochs = epochs;
        this.acks = acks;
        this.status = status;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Handles {@code event} for a cluster this host serves ({@code cluster} must be configured). */
    public FencingAck onEvent(MasterPromoted event, Instant receivedAt) throws InterruptedException {
        return run(config.cluster(event.cluster()).orElseThrow(), event, receivedAt);
    }

    /** A reconcile without an event (start, timer, fail-closed re-check). */
    public FencingAck reconcile(String cluster, Instant receivedAt) throws InterruptedException {
        return run(config.cluster(cluster).orElseThrow(), null, receivedAt);
    }

    /** Whether the cluster's latest plan is fenced closed. */
    public boolean fencedClosed(String cluster) {
        RenderedCluster c = latest.get(cluster);
        return c != null && c.plan().fencedClosed();
    }

    private FencingAck run(ClusterConfig cluster, MasterPromoted event, Instant receivedAt)
            throws InterruptedException {
        try (LogContext log = LogContext.with(LogContext.CLUSTER, cluster.name())
                .and(LogContext.EVENT_ID, event == null ? null : event.eventId())
                .and(LogContext.HOST, config.host())) {
            Epoch floor = epochs.floor(cluster.name()).orElse(null);
            if (event != null && stale(event.epoch(), floor)) {
                LOG.info("event announces {} below the epoch floor {}: rejected as stale", event.epoch(), floor);
                return finish(acks.ack(cluster.name(), event, AckStatus.REJECTED_STALE, floor, null, null,
                        Acks.timings(event, receivedAt, 0, 0, clock.instant()), null), receivedAt, null);
            }
            String floorError = event == null ? null : raiseFloor(cluster.name(), event.epoch());
            Instant start = clock.instant();
            Planner.Planned planned = planner.plan(cluster, event);
            long discoverMillis = planned.snapshot().took().toMillis();
            ClusterPlan plan = planned.plan();
            plan.warnings().forEach(w -> LOG.warn("{}", w));
            metrics.staleWriters(cluster.name(), plan.staleWriters());
            Optional<MaintenanceMode> pause = maintenance.pause(cluster.name());
            if (pause.isPresent()) {
                return observed(cluster.name(), event, plan, pause.get(), receivedAt, discoverMillis);
            }
            latest.put(cluster.name(), new RenderedCluster(plan, event == null ? null : event.eventId(),
                    clock.instant()));
            return apply(cluster, event, plan, receivedAt, start, discoverMillis, floorError);
        } catch (RuntimeException e) {
            LOG.error("trigger failed unexpectedly", e);
            return finish(acks.ack(cluster.name(), event, AckStatus.FAILED, null, null, null,
                    Acks.timings(event, receivedAt, 0, 0, clock.instant()), "internal error: " + e), receivedAt, null);
        }
    }

    /**
     * Maintenance mode (DESIGN rule 11): the plan is made and reported, nothing is written, reloaded or cut, and the
     * cluster's last applied plan stays what the ini renders for it (another cluster's apply rewrites the file with
     * it). The floor an event announced is raised all the same, so the resume never routes below it.
     */
    private FencingAck observed(String cluster, MasterPromoted event, ClusterPlan plan, MaintenanceMode pause,
                                Instant receivedAt, long discoverMillis) {
        String why = "paused by operator " + pause.operator() + " since " + pause.occurredAt() + ": " + pause.reason()
                + "; would route: " + (plan.fencedClosed() ? "rw closed (" + plan.rw().reason() + ")" : plan.rw().reason());
        LOG.info("maintenance: nothing changed; {}", why);
        RenderedCluster current = latest.get(cluster);
        return finish(acks.ack(cluster, event, AckStatus.MAINTENANCE, plan.rw().epoch(),
                current == null ? null : current.plan(), null,
                Acks.timings(event, receivedAt, discoverMillis, 0, clock.instant()), why), receivedAt,
                current == null ? null : current.plan());
    }

    /** Whether an operator paused {@code cluster}: then its reconciles are not retried faster when fenced closed. */
    public boolean paused(String cluster) {
        return maintenance.pause(cluster).isPresent();
    }

    /**
     * Records an operator's pause or resume of a cluster this host serves; returns whether it changed anything (the
     * caller then reconciles the cluster at once: a pause is acked MAINTENANCE, a resume converges).
     */
    public boolean maintenance(MaintenanceMode mode) {
        try {
            boolean changed = maintenance.record(mode);
            if (changed) {
                LOG.warn(mode.paused() ? "maintenance mode ON by {}: {}; this agent changes nothing on pgbouncer for"
                        + " this cluster until 'pgfence resume'" : "maintenance mode OFF by {}{}; reconciling now",
                        mode.operator(), mode.paused() ? mode.reason() : "");
            }
            return changed;
        } catch (IOException e) {
            LOG.error("maintenance state of {} not persisted in {}: {}", mode.cluster(), maintenance.file(),
                    e.getMessage());
            return false;
        }
    }

    /**
     * Raises the floor to what an event announces, before anything is decided or acked: every later trigger (timer,
     * SIGHUP, start) is bounded by it. Returns why it could not be persisted (the floor still holds in memory), or null.
     */
    private String raiseFloor(String cluster, Epoch announced) {
        try {
            if (epochs.raise(cluster, announced)) {
                LOG.info("epoch floor raised to {} (announced)", announced);
            }
            return null;
        } catch (IOException e) {
            LOG.error("epoch floor {} not persisted in {} (held in memory only): {}", announced, epochs.file(),
                    e.getMessage());
            return "cannot persist the epoch floor " + announced + " in " + epochs.file() + ": " + e.getMessage();
        }
    }

    private FencingAck apply(ClusterConfig cluster, MasterPromoted event, ClusterPlan plan, Instant receivedAt,
                             Instant start, long discoverMillis, String floorError) throws InterruptedException {
        Instant applyStart = clock.instant();
        Epoch epoch = plan.rw().epoch();
        try {
            RenderedIni ini = renderer.render(all());
            Optional<FencingStarted> hold = holds.hold(cluster.name());
            boolean ends = hold.isPresent() && holdEnds(hold.get(), plan);
            Set<String> rw = hold.isPresent() ? Set.copyOf(rwDatabases(cluster.name())) : Set.of();
            ApplyResult result = applier.apply(ini, hold.isPresent() && !ends ? rw : Set.of(), ends ? rw : Set.of());
            if (ends) {
                holds.release(cluster.name());
                LOG.info("pause held for {} ended: {}; resumed {}", hold.get().eventId(),
                        clock.instant().isBefore(hold.get().pauseUntil()) ? "promotion verified (" + plan.rw().reason() + ")"
                                : "expired at " + hold.get().pauseUntil() + (plan.fencedClosed() ? ", and nothing verifies:"
                                + " rw stays closed" : ", routed to what verifies"), rw);
            }
            long applyMillis = Duration.between(applyStart, clock.instant()).toMillis();
            AckStatus outcome = floorError != null ? AckStatus.FAILED : plan.fencedClosed() ? AckStatus.FENCED_CLOSED
                    : result.unchanged() ? AckStatus.UNCHANGED : AckStatus.APPLIED;
            if (plan.fencedClosed()) {
                LOG.warn("fenced closed: {}; actions {}", plan.rw().reason(), result.actions());
            } else {
                epochs.raise(cluster.name(), epoch);
                metrics.epoch(cluster.name(), epochs.floor(cluster.name()).map(Epoch::timeline).orElse(0));
                LOG.info("{}: {}; written={} actions={}", outcome, plan.rw().reason(), result.written(),
                        result.actions());
            }
            String error = floorError != null ? floorError : plan.fencedClosed() ? plan.rw().reason() : null;
            Epoch acked = outcome == AckStatus.FENCED_CLOSED ? ackEpoch(plan, epochs.floor(cluster.name()).orElse(null))
                    : epoch;
            return finish(acks.ack(cluster.name(), event, outcome, acked, plan, result.sha256(),
                    Acks.timings(event, receivedAt, discoverMillis, applyMillis, clock.instant()), error),
                    receivedAt, plan);
        } catch (ApplyException | IOException | RuntimeException e) {
            long applyMillis = Duration.between(applyStart, clock.instant()).toMillis();
            LOG.warn("apply failed (acked FAILED, re-checked with backoff): {}", e.getMessage());
            return finish(acks.ack(cluster.name(), event, AckStatus.FAILED, epoch, plan, null,
                    Acks.timings(event, receivedAt, discoverMillis, applyMillis, clock.instant()),
                    e.getMessage()), receivedAt, plan);
        }
    }

    /**
     * Answers a {@code fencing-started} for a cluster this host serves (DESIGN "Two-phase fencing"): PAUSEs its rw
     * databases and holds them until the promotion is verified or {@code pauseUntil}; acks PAUSED with the floor. An
     * intent below the floor is stale; one already expired, or for a cluster in maintenance, changes nothing. The hold is
     * persisted before the first PAUSE, so a restarted agent resumes what it paused. Returns null (nothing to ack) for
     * an intent already past its pauseUntil.
     */
    public FencingAck onFencingStarted(FencingStarted intent, Instant receivedAt) {
        String cluster = intent.cluster();
        try (LogContext log = LogContext.with(LogContext.CLUSTER, cluster).and(LogContext.EVENT_ID, intent.eventId())
                .and(LogContext.HOST, config.host())) {
            Epoch floor = epochs.floor(cluster).orElse(null);
            RenderedCluster current = latest.get(cluster);
            ClusterPlan plan = current == null ? null : current.plan();
            if (stale(intent.epoch(), floor)) {
                LOG.info("fencing-started at {} below the epoch floor {}: rejected as stale", intent.epoch(), floor);
                return intentAck(intent, AckStatus.REJECTED_STALE, floor, plan, receivedAt, "intent below the floor " + floor);
            }
            Optional<FencingStarted> held = holds.hold(cluster);
            if (held.isPresent() && held.get().eventId().equals(intent.eventId())) {
                if (intent.pauseUntil().isBefore(held.get().pauseUntil())) { // its sender aborts: resume now
                    try {
                        holds.record(intent);
                    } catch (IOException e) {
                        LOG.error("shortened hold not persisted in {}: {}", holds.file(), e.getMessage());
                    }
                    LOG.warn("fencing-started {} released by its sender: the pause ends at {}", intent.eventId(),
                            intent.pauseUntil());
                }
                return null; // answered when it first came
            }
            if (!clock.instant().isBefore(intent.pauseUntil())) {
                // an agent started later reads the latest intent from the compacted topic: not news, not a failure
                LOG.info("fencing-started {} is past its pauseUntil {}: nothing to pause", intent.eventId(),
                        intent.pauseUntil());
                return null;
            }
            Optional<MaintenanceMode> pause = maintenance.pause(cluster);
            if (pause.isPresent()) {
                return intentAck(intent, AckStatus.MAINTENANCE, floor, plan, receivedAt, "paused by operator "
                        + pause.get().operator() + ": " + pause.get().reason() + "; would PAUSE " + rwDatabases(cluster));
            }
            List<String> rw = rwDatabases(cluster);
            try {
                holds.record(intent);
                List<String> actions = applier.pause(rw, config.pauseDrainTimeout());
                LOG.warn("PAUSED {} for {} to {} (fencing-started {}): clients queue until the promotion is verified, at"
                        + " most until {}; actions {}", rw, intent.intent(), intent.candidate().name(), intent.eventId(),
                        intent.pauseUntil(), actions);
                return intentAck(intent, AckStatus.PAUSED, floor != null ? floor : intent.epoch(), plan, receivedAt, null);
            } catch (IOException | ApplyException e) {
                LOG.error("could not pause {} for fencing-started {}: {}; the hold expires at {}", rw, intent.eventId(),
                        e.getMessage(), intent.pauseUntil());
                return intentAck(intent, AckStatus.FAILED, floor, plan, receivedAt, "pause failed: " + e.getMessage());
            }
        }
    }

    /** When the hold on {@code cluster} expires, if the agent holds one. */
    public Optional<Instant> holdUntil(String cluster) {
        return holds.hold(cluster).map(FencingStarted::pauseUntil);
    }

    private FencingAck intentAck(FencingStarted intent, AckStatus status, Epoch epoch, ClusterPlan plan,
                                 Instant receivedAt, String error) {
        FencingAck ack = acks.intent(intent, status, epoch, plan, receivedAt, clock.instant(), error);
        metrics.applied(intent.cluster(), Metrics.INTENT, status, Duration.between(receivedAt, ack.timings().completedAt()));
        return ack;
    }

    /**
     * Whether a hold ends with this plan: the promotion it announced is verified (routed above the intent's timeline),
     * or its pause expired (then the plan's routing, or its closing, takes over).
     */
    private boolean holdEnds(FencingStarted hold, ClusterPlan plan) {
        boolean promoted = !plan.fencedClosed() && plan.rw().epoch() != null
                && plan.rw().epoch().systemIdentifier().equals(hold.epoch().systemIdentifier())
                && plan.rw().epoch().timeline() > hold.epoch().timeline();
        return promoted || !clock.instant().isBefore(hold.pauseUntil());
    }

    private List<String> rwDatabases(String cluster) {
        return config.databasesOf(cluster).stream().filter(d -> d.role() == Role.RW).map(DatabaseConfig::name).toList();
    }

    /**
     * The epoch an ack of {@code plan} carries: the epoch rw routes to; fenced closed, the floor the host holds out
     * for, not the highest timeline it can reach (which may be the old primary's: "FENCED_CLOSED at timeline 1" reads
     * as if the host were on timeline 1 when it waits for 2). When the floor is unknown, the highest reachable.
     */
    static Epoch ackEpoch(ClusterPlan plan, Epoch floor) {
        return plan.fencedClosed() && floor != null ? floor : plan.rw().epoch();
    }

    static boolean stale(Epoch announced, Epoch floor) {
        return floor != null && announced.systemIdentifier().equals(floor.systemIdentifier())
                && announced.timeline() < floor.timeline();
    }

    /** Every cluster's latest plan; a cluster not planned yet is planned now. */
    private List<RenderedCluster> all() throws InterruptedException {
        for (ClusterConfig c : config.clusters()) {
            if (!latest.containsKey(c.name())) {
                latest.put(c.name(), new RenderedCluster(planner.plan(c, null).plan(), null, clock.instant()));
            }
        }
        return new ArrayList<>(latest.values());
    }

    private FencingAck finish(FencingAck ack, Instant receivedAt, ClusterPlan plan) {
        metrics.applied(ack.cluster(), ack.eventId() == null ? Metrics.RECONCILE : Metrics.EVENT, ack.status(),
                Duration.between(receivedAt, ack.timings().completedAt()));
        if (ack.eventId() != null && ack.status().isGood() && ack.timings().eventOccurredAt() != null
                && ack.epoch() != null) {
            metrics.fenced(ack.cluster(), ack.epoch().timeline(), Duration.between(ack.timings().eventOccurredAt(),
                    ack.timings().completedAt()));
        }
        Epoch floor = epochs.floor(ack.cluster()).orElse(null);
        RenderedCluster current = latest.get(ack.cluster());
        List<org.pgfence.events.DatabaseTarget> targets = plan != null || current == null ? ack.targets()
                : acks.targets(current.plan());
        boolean closed = current != null && current.plan().fencedClosed();
        status.put(new ClusterStatus(ack.cluster(), floor, targets, ack.status(), ack.timings().completedAt(), closed,
                ack.error()));
        metrics.cluster(ack.cluster(), closed, maintenance.pause(ack.cluster()).isPresent(), ack.timings().completedAt());
        return ack;
    }
}
