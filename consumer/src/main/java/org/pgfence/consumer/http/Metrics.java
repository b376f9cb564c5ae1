package org.pgfence.consumer.http;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.pgfence.events.AckStatus;

/**
 * The agent's counters and gauges, rendered as Prometheus text. Updated by the agent loop, read by the
 * HTTP thread; every method is synchronized (updates are rare: one per trigger).
 */
public final class Metrics {
    static final double[] BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private final Map<String, Integer> lastEpoch = new TreeMap<>();
    private final Map<String, Long> staleWriters = new TreeMap<>();
    private final Map<AckStatus, Long> applies = new EnumMap<>(AckStatus.class);
    private final long[] bucketCounts = new long[BUCKETS.length];
    private double lastApplySeconds;
    private double applySecondsSum;
    private long applyCount;
    private long poison;
    private long failures;

    public synchronized void epoch(String cluster, int timeline) {
        lastEpoch.put(cluster, timeline);
    }

    /** Writable nodes below the top timeline seen by the latest plan of {@code cluster}. */
    public synchronized void staleWriters(String cluster, long count) {
        staleWriters.put(cluster, count);
    }

    public synchronized void applied(AckStatus status, Duration took) {
        applies.merge(status, 1L, Long::sum);
        double seconds = took.toNanos() / 1e9;
        lastApplySeconds = seconds;
        applySecondsSum += seconds;
        applyCount++;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                bucketCounts[i]++;
            }
        }
        if (status == AckStatus.FAILED) {
            failures++;
        }
    }

    public synchronized void poison() {
        poison++;
    }

    public synchronized void failure() {
        failures++;
    }

    public synchronized String prometheus() {
        StringBuilder out = new StringBuilder();
        header(out, "pgfence_agent_last_epoch", "gauge", "Highest timeline applied, per cluster.");
        lastEpoch.forEach((c, e) -> out.append("pgfence_agent_last_epoch{cluster=\"").append(label(c)).append("\"} ")
                .append(e).append('\n'));
        header(out, "pgfence_agent_stale_writers", "gauge",
                "Writable nodes below the top timeline (returning old primaries, never routed), per cluster.");
        staleWriters.forEach((c, n) -> out.append("pgfence_agent_stale_writers{cluster=\"").append(label(c))
                .append("\"} ").append(n).append('\n'));
        header(out, "pgfence_agent_last_apply_seconds", "gauge", "Duration of the last trigger, receive to ack.");
        out.append("pgfence_agent_last_apply_seconds ").append(number(lastApplySeconds)).append('\n');
        header(out, "pgfence_agent_apply_seconds", "histogram", "Duration of each trigger, receive to ack.");
        for (int i = 0; i < BUCKETS.length; i++) {
            out.append("pgfence_agent_apply_seconds_bucket{le=\"").append(number(BUCKETS[i])).append("\"} ")
                    .append(bucketCounts[i]).append('\n');
        }
        out.append("pgfence_agent_apply_seconds_bucket{le=\"+Inf\"} ").append(applyCount).append('\n');
        out.append("pgfence_agent_apply_seconds_sum ").append(number(applySecondsSum)).append('\n');
        out.append("pgfence_agent_apply_seconds_count ").append(applyCount).append('\n');
        header(out, "pgfence_agent_applies_total", "counter", "Acks published, by status.");
        for (AckStatus s : AckStatus.values()) {
            out.append("pgfence_agent_applies_total{status=\"").append(s.name()).append("\"} ")
                    .append(applies.getOrDefault(s, 0L)).append('\n');
        }
        header(out, "pgfence_agent_poison_records_total", "counter", "Records that could not be decoded.");
        out.append("pgfence_agent_poison_records_total ").append(poison).append('\n');
        header(out, "pgfence_agent_failures_total", "counter", "Triggers that ended FAILED, and loop failures.");
        out.append("pgfence_agent_failures_total ").append(failures).append('\n');
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String number(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) + ".0" : Double.toString(d);
    }
}
