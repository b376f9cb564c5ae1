package org.pgfence.audit.http;

import java.util.List;
import java.util.TreeMap;
import org.pgfence.audit.tracking.AgentRecord;
import org.pgfence.audit.tracking.HostState;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.pgfence.runtime.http.Exposition;
import org.pgfence.runtime.http.Histogram;

/** The auditor's metrics, rendered in the Prometheus text format (version 0.0.4). Thread-safe. */
public final class AuditMetrics {
    private final LongAdder promotions = new LongAdder();
    private final LongAdder complete = new LongAdder();
    private final Histogram completion = new Histogram("pgfence_audit_completion_seconds",
            "Time from a promotion's occurredAt to the last needed good ack.",
            0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300);
    private final AtomicLong overdueHosts = new AtomicLong();
    private final AtomicLong regressedHosts = new AtomicLong();
    private final Map<String, LongAdder> remediations = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> poison = new ConcurrentHashMap<>();
    private final LongAdder overdueMarked = new LongAdder();
    private volatile Map<String, String> agentLastSeen = Map.of();
    private volatile Map<String, Integer> maintenance = Map.of();
    private volatile Map<String, Map<String, Integer>> openByState = Map.of();
    private volatile Map<String, Map<HostState, Integer>> latestHosts = Map.of();

    /** The states an open promotion is counted in, each at zero: a cluster with none open still has its samples. */
    public static Map<String, Integer> openStates() {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        m.put("pending", 0);
        m.put("overdue", 0);
        return m;
    }

    /**
     * Per cluster: its incomplete promotions, pending (within the deadline) or overdue (some expected host past it);
     * and the hosts of its latest promotion by state (acked, pending, overdue, regressed).
     */
    public void clusters(Map<String, Map<String, Integer>> openByState, Map<String, Map<HostState, Integer>> latestHosts) {
        this.openByState = Map.copyOf(openByState);
        this.latestHosts = Map.copyOf(latestHosts);
    }

    public void promotionSeen() {
        promotions.increment();
    }

    public void promotionComplete(Duration duration) {
        complete.increment();
        completion.observe(duration.toMillis() / 1000.0);
    }

    public void overdueHosts(long current) {
        overdueHosts.set(current);
    }

    public void regressedHosts(long current) {
        regressedHosts.set(current);
    }

    /** Each registered agent's last heartbeat (broker time), host by host: alert on {@code time() - x}. */
    public void agents(List<AgentRecord> agents) {
        Map<String, String> seen = new TreeMap<>();
        agents.forEach(a -> seen.put(a.host(), Exposition.number(a.lastSeen().toEpochMilli() / 1000.0)));
        agentLastSeen = seen;
    }

    /** The clusters an operator paused ({@code pgfence pause}), 1 each. */
    public void maintenance(List<String> pausedClusters) {
        Map<String, Integer> paused = new TreeMap<>();
        pausedClusters.forEach(c -> paused.put(c, 1));
        maintenance = paused;
    }

    public void hostMarkedOverdue() {
        overdueMarked.increment();
    }

    public void remediation(String outcome) {
        remediations.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    public void poisonRecord(String topic) {
        poison.computeIfAbsent(topic, k -> new LongAdder()).increment();
    }

    private static Map<String, String> labels(String k1, String v1, String k2, String v2) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        Exposition.labelled(out, "pgfence_audit_agent_last_seen_timestamp_seconds", "gauge",
                "Last heartbeat of each registered agent, by host (broker time).", "host", agentLastSeen);
        Exposition.labelled(out, "pgfence_audit_maintenance", "gauge",
                "1 for each cluster an operator paused (pgfence pause): its promotions are not fenced.", "cluster",
                maintenance);
        Exposition.header(out, "pgfence_audit_promotions_open", "gauge", "Incomplete promotions per cluster: pending"
                + " (within the deadline) or overdue (an expected host past it).");
        new TreeMap<>(openByState).forEach((cluster, states) -> states.forEach((state, n) -> Exposition.sample(out,
                "pgfence_audit_promotions_open", labels("cluster", cluster, "state", state), n)));
        Exposition.header(out, "pgfence_audit_latest_promotion_hosts", "gauge", "Expected hosts of each cluster's latest"
                + " promotion, by state: acked, pending, overdue, regressed (acked, but no longer serving it).");
        new TreeMap<>(latestHosts).forEach((cluster, states) -> states.forEach((state, n) -> Exposition.sample(out,
                "pgfence_audit_latest_promotion_hosts", labels("cluster", cluster, "state",
                        state.name().toLowerCase(java.util.Locale.ROOT)), n)));
        Exposition.single(out, "pgfence_audit_promotions_total", "counter",
                "Promotions first seen by this auditor (duplicates not counted).", Long.toString(promotions.sum()));
        Exposition.single(out, "pgfence_audit_promotions_complete_total", "counter",
                "Promotions this auditor recorded as complete.", Long.toString(complete.sum()));
        completion.render(out);
        Exposition.single(out, "pgfence_audit_overdue_hosts", "gauge",
                "Expected hosts without a good ack past the deadline, now.", Long.toString(overdueHosts.get()));
        Exposition.single(out, "pgfence_audit_regressed_hosts", "gauge", "(promotion, host) pairs, of open promotions"
                + " and the latest of each cluster, where the host acked but reports a routing that no longer serves"
                + " it, now.", Long.toString(regressedHosts.get()));
        Exposition.single(out, "pgfence_audit_overdue_marked_total", "counter", "(promotion, host) pairs marked overdue.",
                Long.toString(overdueMarked.sum()));
        Exposition.labelled(out, "pgfence_audit_remediations_total", "counter", "SSH remediation attempts by outcome.",
                "outcome", new TreeMap<>(remediations));
        Exposition.labelled(out, "pgfence_audit_poison_records_total", "counter",
                "Records that could not be handled and were skipped.", "topic", new TreeMap<>(poison));
        return out.toString();
    }
}
