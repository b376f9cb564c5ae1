package org.pgfence.audit.watch;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.pgfence.audit.http.AuditMetrics;
import org.pgfence.audit.remediation.Remediator;
import org.pgfence.audit.store.AuditQueries;
import org.pgfence.audit.store.AuditStore;
import org.pgfence.audit.store.StoreException;
import org.pgfence.audit.tracking.CompletionTracker;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.audit.tracking.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs every {@code checkInterval}: evaluates each incomplete promotion from the store, records
 * completion, marks overdue hosts (ERROR once per promotion and host) and hands them to the remediator
 * when the promotion is the latest incomplete one of its cluster. Survives any single failure.
 */
public final class CompletionTicker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CompletionTicker.class);
    private static final int MAX_OPEN = 200;

    private final AuditStore store;
    private final AuditQueries queries;
    private final CompletionTracker tracker;
    private final Remediator remediator;
    private final AuditMetrics metrics;
    private final Clock clock;
    private final Set<Long> warnedEmpty = ConcurrentHashMap.newKeySet();

    public CompletionTicker(AuditStore store, AuditQueries queries, CompletionTracker tracker, Remediator remediator,
                            AuditMetrics metrics, Clock clock) {
        this.store = store;
        this.queries = queries;
        this.tracker = tracker;
        this.remediator = remediator;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            tick();
        } catch (StoreException e) {
            LOG.warn("Completion check skipped, will run again: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Completion check failed unexpectedly; it will run again", e);
        }
    }

    /** One evaluation of every incomplete promotion; returns the number of overdue hosts now. */
    public int tick() {
        Instant now = clock.instant();
        List<Promotion> open = queries.incompletePromotions(null, MAX_OPEN);
        Map<String, Promotion> latest = latestPerCluster(open);
        int overdue = 0;
        for (Promotion p : open) {
            try (MDC.MDCCloseable c = MDC.putCloseable("cluster", p.cluster());
                 MDC.MDCCloseable e = MDC.putCloseable("event.id", p.firstEventId().toString())) {
                overdue += check(p, now, latest.get(p.cluster()) == p);
            }
        }
        metrics.overdueHosts(overdue);
        return overdue;
    }

    private int check(Promotion p, Instant now, boolean latestOfCluster) {
        Verdict v = tracker.evaluate(p, queries.acksFor(p), now);
        if (v.complete()) {
            if (store.markComplete(p.id(), v.completedAt(), v.duration().toMillis())) {
                metrics.promotionComplete(v.duration());
                LOG.info("Promotion #{} of {} to {} is complete: {} hosts fenced {} ms after it occurred",
                        p.id(), p.cluster(), p.newPrimary(), v.hosts().size(), v.duration().toMillis());
            }
            return 0;
        }
        if (!settled(p, now)) {
            return 0;
        }
        if (v.noExpectedHosts()) {
            if (warnedEmpty.add(p.id())) {
                LOG.error("Promotion #{} of {} has no expected host: no agent of this cluster was heard from"
                        + " within the heartbeat TTL; nobody fenced it", p.id(), p.cluster());
            }
            return 0;
        }
        List<String> overdue = v.overdueHosts();
        for (String host : overdue) {
            try (MDC.MDCCloseable h = MDC.putCloseable("host", host)) {
                if (store.markOverdue(p.id(), host, now)) {
                    metrics.hostMarkedOverdue();
                    LOG.error("Host {} has not acked promotion #{} of {} (epoch {}) within {} ms", host, p.id(),
                            p.cluster(), p.epoch(), tracker.deadline().toMillis());
                }
                if (latestOfCluster) {
                    remediator.consider(p, host);
                }
            }
        }
        return overdue.size();
    }

    /**
     * Overdue is judged only once the auditor itself has known the promotion for a deadline: after a
     * restart it may first read a promotion and only then the heartbeats and acks behind it in the log.
     * Live, firstSeenAt is within milliseconds of occurredAt, so this changes nothing.
     */
    private boolean settled(Promotion p, Instant now) {
        Instant from = p.firstSeenAt().isAfter(p.occurredAt()) ? p.firstSeenAt() : p.occurredAt();
        return !now.isBefore(from.plus(tracker.deadline()));
    }

    private static Map<String, Promotion> latestPerCluster(List<Promotion> open) {
        Map<String, Promotion> latest = new HashMap<>();
        for (Promotion p : open) {
            latest.merge(p.cluster(), p, (a, b) -> a.epoch().timeline() >= b.epoch().timeline() ? a : b);
        }
        return latest;
    }
}
