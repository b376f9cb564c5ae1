package org.pgfence.audit.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.pgfence.audit.http.AuditMetrics;
import org.pgfence.audit.store.AuditQueries;
import org.pgfence.audit.store.AuditStore;
import org.pgfence.audit.store.PromotionWrite;
import org.pgfence.audit.tracking.AgentRecord;
import org.pgfence.audit.tracking.ExpectedHosts;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.events.AgentHeartbeat;
import org.pgfence.events.ClusterRouting;
import org.pgfence.events.FencingAck;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.MaintenanceMode;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.Topics;
import org.pgfence.runtime.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores one decoded record. Idempotent: every write is an upsert, so a redelivered record changes nothing.
 * A store failure propagates (the loop retries the record); anything else is the caller's poison.
 *
 * <p>Agents' clocks are not trusted (DESIGN rule 10; a host with broken NTP must be judged as any other). When the
 * record carries the broker's append time (topics made with {@code message.timestamp.type=LogAppendTime}):
 * <ul>
 * <li>an agent's start is its heartbeat's append time less the uptime it reports (a duration, free of its clock's
 *     offset), and its last sighting that append time;</li>
 * <li>each heartbeat bounds the agent's clock offset from below ({@code lastSeen - appendedAt}, as the delivery
 *     delay is never negative); the highest bound seen for the run is its offset;</li>
 * <li>an ack completed at its own {@code completedAt} less that offset (the moment the host was fenced, on the
 *     broker's clock), and never after the broker took it. An ack held by its producer through a broker outage
 *     still completed when the host acted, not when Kafka came back.</li>
 * </ul>
 * On a topic with producer times (made before 0.2.0 and not altered) the agents' own times are used.
 */
public final class RecordHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RecordHandler.class);
    private static final int MAX_OPEN_PROMOTIONS = 500;

    private final AuditStore store;
    private final AuditQueries queries;
    private final ExpectedHosts expected;
    private final AuditMetrics metrics;
    private final Topics topics;
    private final Clock clock;
    /** The clock offset in ms of each host's current agent run, as its heartbeats bound it; see the class comment. */
    private final Map<String, Offset> offsets = new java.util.concurrent.ConcurrentHashMap<>();

    private record Offset(String agentId, long millis) {
        Offset max(Offset other) {
            return !agentId.equals(other.agentId) ? other : millis >= other.millis ? this : other;
        }
    }

    public RecordHandler(AuditStore store, AuditQueries queries, ExpectedHosts expected, AuditMetrics metrics,
                         Topics topics, Clock clock) {
        this.store = store;
        this.queries = queries;
        this.expected = expected;
        this.metrics = metrics;
        this.topics = topics;
        this.clock = clock;
    }

    /** {@code appendedAt}: the broker's append time of the record, or null when its topic keeps producer times. */
    public void handle(String topic, String key, PgfenceEvent event, Instant appendedAt) {
        if (event == null) {
            tombstone(topic, key);
        } else if (event instanceof MasterPromoted promoted) {
            promotion(promoted);
        } else if (event instanceof FencingAck ack) {
            ack(ack, appendedAt);
        } else if (event instanceof MaintenanceMode mode) {
            store.recordMaintenance(mode);
            try (LogContext log = LogContext.with(LogContext.CLUSTER, mode.cluster())) {
                LOG.warn(mode.paused() ? "Cluster {} in maintenance (pgfence pause by {}: {}): its agents change nothing,"
                        + " its promotions are not fenced until 'pgfence resume'" : "Cluster {} out of maintenance"
                        + " (pgfence resume by {}{})", mode.cluster(), mode.operator(),
                        mode.paused() ? mode.reason() : "");
            }
        } else if (event instanceof FencingStarted intent) {
            store.recordIntent(intent, clock.instant());
            try (LogContext log = LogContext.with(LogContext.CLUSTER, intent.cluster())) {
                LOG.info("Fencing started on {} by {}: {} to {}, from timeline {}; agents hold rw paused until {} at the"
                        + " latest", intent.cluster(), intent.sourceHost(), intent.intent(), intent.candidate().name(),
                        intent.epoch().timeline(), intent.pauseUntil());
            }
        } else if (event instanceof AgentHeartbeat heartbeat) {
            Long offset = null;
            if (appendedAt != null) {
                offset = offsets.merge(heartbeat.host(), new Offset(heartbeat.agentId(),
                        Duration.between(appendedAt, heartbeat.lastSeen()).toMillis()), Offset::max).millis();
            }
            heartbeat(onBrokerClock(heartbeat, appendedAt, offset));
        }
    }

    /** When {@code a} completed on the broker's clock: its own time less its agent's offset, at most its append time. */
    static Instant completedAt(FencingAck a, Instant appendedAt, Long offsetMillis) {
        if (appendedAt == null) {
            return a.timings().completedAt();
        }
        Instant own = offsetMillis == null ? a.timings().completedAt() : a.timings().completedAt().minusMillis(offsetMillis);
        return earliest(own, appendedAt);
    }

    /**
     * The heartbeat on the broker's clock (unchanged without an append time): started and last seen as the class
     * comment says, and the moments of each cluster's routing (its trigger, and since when it routes so) less the
     * agent's clock offset, never after the append.
     */
    static AgentHeartbeat onBrokerClock(AgentHeartbeat h, Instant appendedAt, Long offsetMillis) {
        if (appendedAt == null) {
            return h;
        }
        Duration uptime = Duration.between(h.startedAt(), h.lastSeen());
        Instant started = uptime.isNegative() ? appendedAt : appendedAt.minus(uptime);
        List<ClusterRouting> routing = h.routing().stream().map(r -> r.retimed(t ->
                earliest(offsetMillis == null ? t : t.minusMillis(offsetMillis), appendedAt))).toList();
        return new AgentHeartbeat(h.schemaVersion(), h.host(), h.agentId(), h.clusters(), h.databases(), h.version(),
                started, appendedAt, routing);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isAfter(b) ? b : a;
    }

    private void tombstone(String topic, String key) {
        if (topic.equals(topics.agents()) && key != null) {
            store.forgetAgent(key);
            LOG.info("Agent on host {} deregistered (tombstone)", key);
        }
    }

    private void promotion(MasterPromoted e) {
        try (LogContext log = LogContext.with(LogContext.CLUSTER, e.cluster()).and(LogContext.EVENT_ID, e.eventId())) {
            Instant now = clock.instant();
            List<String> hosts = expected.snapshot(queries.agents(), e.cluster(), e.occurredAt());
            PromotionWrite w = store.recordPromotion(e, hosts, now);
            if (w.newPromotion()) {
                metrics.promotionSeen();
                LOG.info("Promotion {} of {} to {} (epoch {}) recorded as #{}; expecting acks from {}",
                        e.trigger(), e.cluster(), e.newPrimary(), e.epoch(), w.promotionId(),
                        hosts.isEmpty() ? "no host (no agent of the cluster registered, none in its inventory)"
                                : hosts);
            } else if (w.newEvent()) {
                LOG.info("Event {} announces promotion #{} again ({}); linked, not counted twice",
                        e.eventId(), w.promotionId(), e.repmgrEvent() == null ? e.trigger() : e.repmgrEvent());
            } else {
                LOG.debug("Event {} redelivered; already recorded", e.eventId());
            }
        }
    }

    private void ack(FencingAck a, Instant appendedAt) {
        try (LogContext log = LogContext.with(LogContext.CLUSTER, a.cluster()).and(LogContext.HOST, a.host())
                .and(LogContext.EVENT_ID, a.eventId() == null ? "reconcile" : a.eventId().toString())) {
            Offset offset = offsets.get(a.host());
            Long millis = offset != null && offset.agentId().equals(a.agentId()) ? offset.millis() : null;
            boolean changed = store.recordAck(a, completedAt(a, appendedAt, millis), clock.instant());
            LOG.debug("Ack {} {} at {} from {}: {}", a.ackId(), a.status(), a.epoch(), a.agentId(),
                    changed ? "recorded" : "already recorded or superseded");
        }
    }

    private void heartbeat(AgentHeartbeat h) {
        try (LogContext log = LogContext.with(LogContext.HOST, h.host())) {
            store.recordAgent(h);
            AgentRecord agent = new AgentRecord(h.host(), h.agentId(), h.clusters(), h.databases(), h.version(),
                    h.startedAt(), h.lastSeen());
            for (String cluster : h.clusters()) {
                for (Promotion p : queries.incompletePromotions(cluster, MAX_OPEN_PROMOTIONS)) {
                    List<String> grown = expected.grow(p, agent);
                    if (!grown.equals(p.expectedHosts())) {
                        store.setExpectedHosts(p.id(), grown);
                        LOG.info("Host {} now expected to ack promotion #{} of {} (heartbeat at {} within TTL)",
                                h.host(), p.id(), cluster, h.lastSeen());
                    }
                }
            }
        }
    }
}
