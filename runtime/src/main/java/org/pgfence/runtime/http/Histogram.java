package org.pgfence.runtime.http;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram with fixed upper bounds (seconds), safe to observe from any thread; cumulative buckets are
 * computed when rendered. With label names, one series per combination of label values, rendered under one header.
 */
public final class Histogram {
    private final String name;
    private final String help;
    private final double[] bounds;
    private final List<String> labelNames;
    private final Map<String, Series> series = new ConcurrentSkipListMap<>();

    public Histogram(String name, String help, double... bounds) {
        this(name, help, List.of(), bounds);
    }

    public Histogram(String name, String help, List<String> labelNames, double... bounds) {
        double[] sorted = bounds.clone();
        Arrays.sort(sorted);
        if (sorted.length == 0 || !Arrays.equals(sorted, bounds)) {
            throw new IllegalArgumentException("histogram " + name + " needs ascending bucket bounds");
        }
        this.name = name;
        this.help = help;
        this.bounds = sorted;
        this.labelNames = List.copyOf(labelNames);
    }

    /** One observation; {@code labelValues} in the order of the label names (none for an unlabelled histogram). */
    public void observe(double value, String... labelValues) {
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException("histogram " + name + " has labels " + labelNames + ", got "
                    + labelValues.length + " values");
        }
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < labelValues.length; i++) {
            labels.append(labelNames.get(i)).append("=\"").append(Exposition.label(labelValues[i])).append("\",");
        }
        series.computeIfAbsent(labels.toString(), l -> new Series(bounds.length)).observe(bounds, value);
    }

    public void render(StringBuilder out) {
        Exposition.header(out, name, "histogram", help);
        if (series.isEmpty() && labelNames.isEmpty()) {
            new Series(bounds.length).render(out, name, "", bounds);
        }
        series.forEach((labels, s) -> s.render(out, name, labels, bounds));
    }

    private static final class Series {
        private final AtomicLongArray counts;
        private final DoubleAdder sum = new DoubleAdder();
        private final LongAdder count = new LongAdder();

        Series(int buckets) {
            counts = new AtomicLongArray(buckets);
        }

        void observe(double[] bounds, double value) {
            for (int i = 0; i < bounds.length; i++) {
                if (value <= bounds[i]) {
                    counts.incrementAndGet(i);
                    break;
                }
            }
            sum.add(value);
            count.increment();
        }

        void render(StringBuilder out, String name, String labels, double[] bounds) {
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += counts.get(i);
                out.append(name).append("_bucket{").append(labels).append("le=\"").append(Exposition.number(bounds[i]))
                        .append("\"} ").append(cumulative).append('\n');
            }
            out.append(name).append("_bucket{").append(labels).append("le=\"+Inf\"} ").append(count.sum()).append('\n');
            String plain = labels.isEmpty() ? "" : "{" + labels.substring(0, labels.length() - 1) + "}";
            out.append(name).append("_sum").append(plain).append(' ').append(Exposition.number(sum.sum())).append('\n');
            out.append(name).append("_count").append(plain).append(' ').append(count.sum()).append('\n');
        }
    }
}
