package org.pgfence.lab.bench;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles of a sample (with 10 values p95 and p99 are the maximum: say so when reporting). */
public record Percentiles(int count, long p50, long p95, long p99, long max) {

    public static Percentiles of(Collection<Long> values) {
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        if (v.length == 0) {
            return new Percentiles(0, -1, -1, -1, -1);
        }
        return new Percentiles(v.length, rank(v, 0.50), rank(v, 0.95), rank(v, 0.99), v[v.length - 1]);
    }

    static long rank(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    public static long median(Collection<Long> values) {
        return of(values).p50();
    }

    @Override
    public String toString() {
        return count == 0 ? "-" : Arrays.toString(new long[] {p50, p95, p99, max});
    }
}
