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
import org.pgfence.audit.tracking.ExpectedHosts;
import org.pgfence.audit.tracking.HostProgress;
import org.pgfence.audit.tracking.HostReports;
import org.pgfence.audit.tracking.HostState;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.audit.tracking.Verdict;
import org.pgfence.runtime.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every {@code checkInterval}: adds inventory hosts to each incomplete promotion that lacks them, evaluates it
 * from the store (acks, and what the hosts report they route now), records completion, marks overdue hosts (ERROR
 * once per promotion and host) and hands them to the remediator when the promotion is the latest incomplete one of
 * its cluster; and, for those and the latest complete promotion of each cluster, reports each host that starts
 * regressing (ERROR) or serves again (INFO). A regressed host is not remediated: its agent is alive (it just
 * reported) and retries on its own, and a repair's ack would not outrank the good ack the host already has.
 * Survives any single failure.
 */
public final class CompletionTicker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CompletionTicker.class);
    private static final int MAX_OPEN = 200;

    private final AuditStore store;
    private final AuditQueries queries;
    private final CompletionTracker tracker;
    private final ExpectedHosts expected;
    private final Remediator remediator;
    private final AuditMetrics metrics;
    private final Clock clock;
    private final Set<Long> warnedEmpty = ConcurrentHashMap.newKeySet();
    private final Set<String> warnedRegressed = ConcurrentHashMap.newKeySet();

    public CompletionTicker(AuditStore store, AuditQueries queries, CompletionTracker tracker, ExpectedHosts expected,
                            Remediator remediator, AuditMetrics metrics, Clock clock) {
        this.store = store;
        this.queries = queries;
        this.tracker = tracker;
        this.expected = expected;
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

    /**
     * One evaluation of every incomplete promotion, and of the latest promotion of each cluster already complete (its
     * hosts may have regressed since); returns the number of overdue hosts now.
     */
    public int tick() {
        Instant now = clock.instant();
        // read once a tick: the remediation of every overdue host and the maintenance gauge both need it
        List<String> paused = queries.pausedClusters().stream().map(m -> m.cluster()).toList();
        List<Promotion> open = queries.incompletePromotions(null, MAX_OPEN);
        Map<String, Promotion> latest = latestPerCluster(open);
        Map<String, HostReports> reports = new HashMap<>();
        Map<Long, Verdict> verdicts = new HashMap<>();
        Map<String, Map<String, Integer>> openByState = new java.util.TreeMap<>();
        int overdue = 0;
        int regressed = 0;
        for (Promotion candidate : open) {
            try (LogContext log = LogContext.with(LogContext.CLUSTER, candidate.cluster())
                    .and(LogContext.EVENT_ID, candidate.firstEventId())) {
                Promotion p = withInventory(candidate);
                HostReports said = reports.computeIfAbsent(p.cluster(), queries::reports);
                Verdict v = tracker.evaluate(p, queries.acksFor(p), said, now);
                verdicts.put(p.id(), v);
                int late = check(v, now, latest.get(p.cluster()) == candidate, paused.contains(p.cluster()));
                overdue += late;
                regressed += regressions(v);
                if (!v.complete()) {
                    openByState.computeIfAbsent(p.cluster(), c -> AuditMetrics.openStates())
                            .merge(late > 0 ? "overdue" : "pending", 1, Integer::sum);
                }
            }
        }
        Map<String, Map<HostState, Integer>> latestHosts = new java.util.TreeMap<>();
        for (Promotion p : queries.latestPerCluster(null)) {
            Verdict v = verdicts.get(p.id()); // evaluated above when it was open at this tick's start
            if (v == null && p.isComplete()) {
                try (LogContext log = LogContext.with(LogContext.CLUSTER, p.cluster())
                        .and(LogContext.EVENT_ID, p.firstEventId())) {
                    v = tracker.evaluate(p, queries.acksFor(p), reports.computeIfAbsent(p.cluster(), queries::reports),
                            now);
                    regressed += regressions(v);
                }
            }
            openByState.computeIfAbsent(p.cluster(), c -> AuditMetrics.openStates());
            if (v != null) {
                Map<HostState, Integer> hosts = new java.util.EnumMap<>(HostState.class);
                for (HostState state : HostState.values()) {
                    hosts.put(state, 0);
                }
                v.hosts().forEach(h -> hosts.merge(h.state(), 1, Integer::sum));
                latestHosts.put(p.cluster(), hosts);
            }
        }
        metrics.clusters(openByState, latestHosts);
        metrics.overdueHosts(overdue);
        metrics.regressedHosts(regressed);
        metrics.agents(queries.agents());
        metrics.maintenance(paused);
        return overdue;
    }

    /** Logs each host that starts or stops regressing (ERROR, then INFO when it serves again); returns how many now. */
    private int regressions(Verdict v) {
        Promotion p = v.promotion();
        for (HostProgress h : v.hosts()) {
            String key = p.id() + "/" + h.host();
            try (LogContext log = LogContext.with(LogContext.HOST, h.host())) {
                if (h.state() == HostState.REGRESSED && warnedRegressed.add(key)) {
                    LOG.error("Host {} acked promotion #{} of {} (epoch {}) but no longer serves it: {}", h.host(),
                            p.id(), p.cluster(), p.epoch(), h.routing().routing());
                } else if (h.state() != HostState.REGRESSED && warnedRegressed.remove(key)) {
                    LOG.info("Host {} serves promotion #{} of {} again", h.host(), p.id(), p.cluster());
                }
            }
        }
        return v.regressedHosts().size();
    }

    /** The promotion with its cluster's inventory among its expected hosts (stored when that adds any). */
    private Promotion withInventory(Promotion p) {
        List<String> hosts = expected.withInventory(p);
        if (hosts.equals(p.expectedHosts())) {
            return p;
        }
        store.setExpectedHosts(p.id(), hosts);
        LOG.info("Promotion #{} of {} now expects the inventory's hosts too: {}", p.id(), p.cluster(), hosts);
        return p.withExpectedHosts(hosts);
    }

    private int check(Verdict v, Instant now, boolean latestOfCluster, boolean inMaintenance) {
        Promotion p = v.promotion();
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
                LOG.error("Promotion #{} of {} has no expected host: no agent of this cluster registered and the"
                        + " inventory names none; nobody fenced it", p.id(), p.cluster());
            }
            return 0;
        }
        List<String> overdue = v.overdueHosts();
        for (String host : overdue) {
            try (LogContext log = LogContext.with(LogContext.HOST, host)) {
                if (store.markOverdue(p.id(), host, now)) {
                    metrics.hostMarkedOverdue();
                    LOG.error("Host {} has not acked promotion #{} of {} (epoch {}) within {} ms", host, p.id(),
                            p.cluster(), p.epoch(), tracker.deadline().toMillis());
                }
                if (latestOfCluster) {
                    remediator.consider(p, host, inMaintenance);
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
