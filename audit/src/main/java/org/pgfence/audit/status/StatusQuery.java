package org.pgfence.audit.status;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pgfence.audit.store.AuditQueries;
import org.pgfence.audit.store.MaintenanceRecord;
import org.pgfence.audit.tracking.CompletionTracker;
import org.pgfence.audit.tracking.HostReports;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.audit.tracking.Verdict;

/** Reads the store and evaluates each promotion shown, as of now: acks, and what each host reports it routes. */
public final class StatusQuery {
    private final AuditQueries queries;
    private final CompletionTracker tracker;
    private final Clock clock;

    public StatusQuery(AuditQueries queries, CompletionTracker tracker, Clock clock) {
        this.queries = queries;
        this.tracker = tracker;
        this.clock = clock;
    }

    /** The last {@code last} promotions (newest first), of {@code cluster} when not null. */
    public StatusReport report(String cluster, int last) {
        Instant now = clock.instant();
        Map<Long, Verdict> verdicts = new LinkedHashMap<>();
        Map<String, HostReports> reports = new HashMap<>();
        List<PromotionStatus> shown = new ArrayList<>();
        for (Promotion p : queries.recentPromotions(cluster, last)) {
            Verdict v = verdict(p, now, verdicts, reports);
            shown.add(new PromotionStatus(v, queries.overdue(p.id()), queries.remediations(p.id())));
        }
        List<Verdict> latest = new ArrayList<>();
        for (Promotion p : queries.latestPerCluster(cluster)) {
            latest.add(verdict(p, now, verdicts, reports));
        }
        List<MaintenanceRecord> paused = queries.pausedClusters().stream()
                .filter(m -> cluster == null || cluster.equals(m.cluster())).toList();
        return new StatusReport(now, cluster, shown, latest, paused);
    }

    /** Promotion {@code id} as of now, with its hosts' ack times; empty when no such promotion is stored. */
    public java.util.Optional<PromotionPage> page(long id) {
        Instant now = clock.instant();
        return queries.promotion(id).map(p -> {
            Verdict v = tracker.evaluate(p, queries.acksFor(p), queries.reports(p.cluster()), now);
            StatusDocument.PromotionLine line = StatusDocument.promotionLine(new PromotionStatus(v,
                    queries.overdue(p.id()), queries.remediations(p.id())));
            return new PromotionPage(now, line, queries.ackTimes(p.id()), queries.firstAnnounced(p.id()).orElse(null),
                    queries.hold(p).orElse(null));
        });
    }

    private Verdict verdict(Promotion p, Instant now, Map<Long, Verdict> cache, Map<String, HostReports> reports) {
        return cache.computeIfAbsent(p.id(), id -> tracker.evaluate(p, queries.acksFor(p),
                reports.computeIfAbsent(p.cluster(), queries::reports), now));
    }
}
