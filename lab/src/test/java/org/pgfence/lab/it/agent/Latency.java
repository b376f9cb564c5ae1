package org.pgfence.lab.it.agent;

import java.time.Duration;
import java.util.List;

/** p50/p99 (nearest rank) of measured durations, printed for the report. */
final class Latency {
    private Latency() {
    }

    static long percentile(List<Long> sortedMillis, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sortedMillis.size());
        return sortedMillis.get(Math.max(0, Math.min(sortedMillis.size() - 1, rank - 1)));
    }

    static void print(String what, List<Duration> samples) {
        List<Long> ms = samples.stream().map(Duration::toMillis).sorted().toList();
        System.out.printf("LATENCY %s: n=%d p50=%d ms p99=%d ms min=%d ms max=%d ms%n", what, ms.size(),
                percentile(ms, 50), percentile(ms, 99), ms.get(0), ms.get(ms.size() - 1));
    }
}
