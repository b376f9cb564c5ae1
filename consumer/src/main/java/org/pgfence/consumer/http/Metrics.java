package org.pgfence.consumer.http;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.pgfence.events.AckStatus;
import org.pgfence.runtime.http.Exposition;
import org.pgfence.runtime.http.Histogram;

/**
 * The agent's counters and gauges, rendered as Prometheus text. Updated by the agent loop, read by the
 * HTTP thread; every method is synchronized (updates are rare: one per trigger).
 */
public final class Metrics {
    static final double[] BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private final Map<String, Integer> lastEpoch = new TreeMap<>();
    private final Map<String, Long> staleWriters = new TreeMap<>();
    private final Map<AckStatus, Long> applies = new EnumMap<>(AckStatus.class);
    private final Map<String, Integer> fencedClosed = new TreeMap<>();
    private final Map<String, Integer> maintenance = new TreeMap<>();
    private final Map<String, Double> lastTrigger = new TreeMap<>();
    private final Map<String, Integer> fencedTimeline = new TreeMap<>();
    private String version = "unknown";
    /** What made a trigger, the {@code trigger} label: kept apart so a fencing SLO is not diluted by the timer. */
    public static final String EVENT = "event";
    public static final String INTENT = "intent";
    public static final String RECONCILE = "reconcile";
    private final Histogram applySeconds = new Histogram("pgfence_agent_apply_seconds",
            "Duration of each trigger, receive to ack, per cluster and trigger (event: master-promoted; intent:"
                    + " fencing-started; reconcile: start, timer, SIGHUP, fail-closed re-check).",
            java.util.List.of("cluster", "trigger"), BUCKETS);
    private final Histogram fencingSeconds = new Histogram("pgfence_agent_fencing_seconds",
            "Per promotion: from the promotion (the event's occurredAt, the producer's clock) to this host's verified"
                    + " ack, per cluster.", java.util.List.of("cluster"), BUCKETS);
    private double lastApplySeconds;
    private long poison;
    private long failures;

    public synchronized void epoch(String cluster, int timeline) {
        lastEpoch.put(cluster, timeline);
    }

    /** Writable nodes below the top timeline seen by the latest plan of {@code cluster}. */
    public synchronized void staleWriters(String cluster, long count) {
        staleWriters.put(cluster, count);
    }

    public synchronized void applied(String cluster, String trigger, AckStatus status, Duration took) {
        applies.merge(status, 1L, Long::sum);
        lastApplySeconds = took.toNanos() / 1e9;
        applySeconds.observe(lastApplySeconds, cluster == null ? "" : cluster, trigger);
        if (status == AckStatus.FAILED) {
            failures++;
        }
    }

    /**
     * A promotion this host fenced, once per timeline (a failover is announced up to three times): {@code took} from
     * the promotion to the verified ack. Negative (the producer's clock ahead): dropped.
     */
    public synchronized void fenced(String cluster, int timeline, Duration took) {
        if (timeline > fencedTimeline.getOrDefault(cluster, 0) && !took.isNegative()) {
            fencedTimeline.put(cluster, timeline);
            fencingSeconds.observe(took.toNanos() / 1e9, cluster);
        }
    }

    /**
     * What {@code cluster}'s latest trigger left: rw closed or not, in maintenance or not, and when it completed
     * (seconds since the epoch): the per-cluster gauges an alert can use (fenced closed for long, paused for long, no
     * trigger for long).
     */
    public synchronized void cluster(String cluster, boolean closed, boolean paused, java.time.Instant at) {
        fencedClosed.put(cluster, closed ? 1 : 0);
        maintenance.put(cluster, paused ? 1 : 0);
        lastTrigger.put(cluster, at.toEpochMilli() / 1000.0);
    }

    /** The running version, for {@code pgfence_agent_build_info}. */
    public synchronized void version(String version) {
        this.version = version == null ? "unknown" : version;
    }

    public synchronized void poison() {
        poison++;
    }

    public synchronized void failure() {
        failures++;
    }

    public synchronized String prometheus() {
        StringBuilder out = new StringBuilder();
        Exposition.labelled(out, "pgfence_agent_build_info", "gauge", "Always 1; the running pgfence version.",
                "version", Map.of(version, 1));
        Exposition.labelled(out, "pgfence_agent_fenced_closed", "gauge",
                "1 while the cluster's rw databases are closed (no primary verified), per cluster.", "cluster",
                fencedClosed);
        Exposition.labelled(out, "pgfence_agent_maintenance", "gauge",
                "1 while an operator paused the cluster (pgfence pause): nothing is changed, nothing fenced.", "cluster",
                maintenance);
        Map<String, String> triggerTimes = new TreeMap<>();
        lastTrigger.forEach((c, t) -> triggerTimes.put(c, Exposition.number(t)));
        Exposition.labelled(out, "pgfence_agent_last_trigger_timestamp_seconds", "gauge",
                "When the cluster's latest trigger (event, reconcile) completed, per cluster.", "cluster", triggerTimes);
        Exposition.labelled(out, "pgfence_agent_last_epoch", "gauge", "Highest timeline applied, per cluster.",
                "cluster", lastEpoch);
        Exposition.labelled(out, "pgfence_agent_stale_writers", "gauge",
                "Writable nodes below the top timeline (returning old primaries, never routed), per cluster.",
                "cluster", staleWriters);
        Exposition.single(out, "pgfence_agent_last_apply_seconds", "gauge", "Duration of the last trigger, receive to ack.",
                Exposition.number(lastApplySeconds));
        applySeconds.render(out);
        fencingSeconds.render(out);
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (AckStatus s : AckStatus.values()) {
            byStatus.put(s.name(), applies.getOrDefault(s, 0L));
        }
        Exposition.labelled(out, "pgfence_agent_applies_total", "counter", "Acks published, by status.", "status",
                byStatus);
        Exposition.single(out, "pgfence_agent_poison_records_total", "counter", "Records that could not be decoded.",
                Long.toString(poison));
        Exposition.single(out, "pgfence_agent_failures_total", "counter", "Triggers that ended FAILED, and loop failures.",
                Long.toString(failures));
        return out.toString();
    }
}
