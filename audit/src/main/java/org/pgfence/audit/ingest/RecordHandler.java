package org.pgfence.audit.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.pgfence.audit.http.AuditMetrics;
import org.pgfence.audit.store.AuditQueries;
import org.pgfence.audit.store.AuditStore;
import org.pgfence.audit.store.PromotionWrite;
import org.pgfence.audit.tracking.AgentRecord;
import org.pgfence.audit.tracking.ExpectedHosts;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.events.AgentHeartbeat;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Stores one decoded record. Idempotent: every write is an upsert, so a redelivered record changes nothing.
 * A store failure propagates (the loop retries the record); anything else is the caller's poison.
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

    public RecordHandler(AuditStore store, AuditQueries queries, ExpectedHosts expected, AuditMetrics metrics,
                         Topics topics, Clock clock) {
        this.store = store;
        this.queries = queries;
        this.expected = expected;
        this.metrics = metrics;
        this.topics = topics;
        this.clock = clock;
    }

    public void handle(String topic, String key, PgfenceEvent event) {
        if (event == null) {
            tombstone(topic, key);
        } else if (event instanceof MasterPromoted promoted) {
            promotion(promoted);
        } else if (event instanceof FencingAck ack) {
            ack(ack);
        } else if (event instanceof AgentHeartbeat heartbeat) {
            heartbeat(heartbeat);
        }
    }

    private void tombstone(String topic, String key) {
        if (topic.equals(topics.agents()) && key != null) {
            store.forgetAgent(key);
            LOG.info("Agent on host {} deregistered (tombstone)", key);
        }
    }

    private void promotion(MasterPromoted e) {
        try (MDC.MDCCloseable c = MDC.putCloseable("cluster", e.cluster());
             MDC.MDCCloseable i = MDC.putCloseable("event.id", e.eventId().toString())) {
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

    private void ack(FencingAck a) {
        try (MDC.MDCCloseable c = MDC.putCloseable("cluster", a.cluster());
             MDC.MDCCloseable h = MDC.putCloseable("host", a.host());
             MDC.MDCCloseable i = MDC.putCloseable("event.id", a.eventId() == null ? "reconcile" : a.eventId().toString())) {
            boolean changed = store.recordAck(a, clock.instant());
            LOG.debug("Ack {} {} at {} from {}: {}", a.ackId(), a.status(), a.epoch(), a.agentId(),
                    changed ? "recorded" : "already recorded or superseded");
        }
    }

    private void heartbeat(AgentHeartbeat h) {
        try (MDC.MDCCloseable c = MDC.putCloseable("host", h.host())) {
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
