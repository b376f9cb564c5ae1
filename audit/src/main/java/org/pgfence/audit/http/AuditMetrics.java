package org.pgfence.audit.http;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

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

    public void hostMarkedOverdue() {
        overdueMarked.increment();
    }

    public void remediation(String outcome) {
        remediations.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    public void poisonRecord(String topic) {
        poison.computeIfAbsent(topic, k -> new LongAdder()).increment();
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        counter(out, "pgfence_audit_promotions_total", "Promotions first seen by this auditor (duplicates not counted).",
                promotions.sum());
        counter(out, "pgfence_audit_promotions_complete_total", "Promotions this auditor recorded as complete.",
                complete.sum());
        completion.render(out);
        out.append("# HELP pgfence_audit_overdue_hosts Expected hosts without a good ack past the deadline, now.\n")
                .append("# TYPE pgfence_audit_overdue_hosts gauge\n")
                .append("pgfence_audit_overdue_hosts ").append(overdueHosts.get()).append('\n');
        out.append("# HELP pgfence_audit_regressed_hosts (promotion, host) pairs, of open promotions and the latest of"
                + " each cluster, where the host acked but reports a routing that no longer serves it, now.\n")
                .append("# TYPE pgfence_audit_regressed_hosts gauge\n")
                .append("pgfence_audit_regressed_hosts ").append(regressedHosts.get()).append('\n');
        counter(out, "pgfence_audit_overdue_marked_total", "(promotion, host) pairs marked overdue.",
                overdueMarked.sum());
        labelled(out, "pgfence_audit_remediations_total", "SSH remediation attempts by outcome.", "outcome",
                remediations);
        labelled(out, "pgfence_audit_poison_records_total", "Records that could not be handled and were skipped.",
                "topic", poison);
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value).append('\n');
    }

    private static void labelled(StringBuilder out, String name, String help, String label, Map<String, LongAdder> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n");
        new TreeMap<>(values).forEach((k, v) -> out.append(name).append('{').append(label).append("=\"")
                .append(escape(k)).append("\"} ").append(v.sum()).append('\n'));
    }

    static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
