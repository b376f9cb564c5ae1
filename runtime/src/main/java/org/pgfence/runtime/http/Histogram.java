package org.pgfence.runtime.http;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram with fixed upper bounds (seconds), safe to observe from any thread; cumulative buckets are
 * computed when rendered.
 */
public final class Histogram {
    private final String name;
    private final String help;
    private final double[] bounds;
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();
    private final LongAdder count = new LongAdder();

    public Histogram(String name, String help, double... bounds) {
        double[] sorted = bounds.clone();
        Arrays.sort(sorted);
        if (sorted.length == 0 || !Arrays.equals(sorted, bounds)) {
            throw new IllegalArgumentException("histogram " + name + " needs ascending bucket bounds");
        }
        this.name = name;
        this.help = help;
        this.bounds = sorted;
        this.counts = new AtomicLongArray(bounds.length);
    }

    public void observe(double value) {
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                counts.incrementAndGet(i);
                break;
            }
        }
        sum.add(value);
        count.increment();
    }

    public void render(StringBuilder out) {
        Exposition.header(out, name, "histogram", help);
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts.get(i);
            out.append(name).append("_bucket{le=\"").append(Exposition.number(bounds[i])).append("\"} ")
                    .append(cumulative).append('\n');
        }
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(count.sum()).append('\n');
        out.append(name).append("_sum ").append(Exposition.number(sum.sum())).append('\n');
        out.append(name).append("_count ").append(count.sum()).append('\n');
    }
}
