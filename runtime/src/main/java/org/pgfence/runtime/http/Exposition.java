package org.pgfence.runtime.http;

import java.util.Map;

/** The Prometheus text exposition format (version 0.0.4), as the agent's and the auditor's metrics write it. */
public final class Exposition {
    /** The content type of {@code /metrics}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private Exposition() {
    }

    /** The {@code # HELP} and {@code # TYPE} lines of a family. */
    public static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** A family of one sample without labels. */
    public static void single(StringBuilder out, String name, String type, String help, String value) {
        header(out, name, type, help);
        out.append(name).append(' ').append(value).append('\n');
    }

    /** A family with one label, a sample per value of it (in the map's order). */
    public static void labelled(StringBuilder out, String name, String type, String help, String label,
                                Map<String, ?> values) {
        header(out, name, type, help);
        values.forEach((k, v) -> out.append(name).append('{').append(label).append("=\"").append(label(k))
                .append("\"} ").append(v).append('\n'));
    }

    /** One sample with labels (a family's header written before it): {@code name{k="v",...} value}. */
    public static void sample(StringBuilder out, String name, Map<String, String> labels, Object value) {
        out.append(name).append('{');
        String sep = "";
        for (Map.Entry<String, String> l : labels.entrySet()) {
            out.append(sep).append(l.getKey()).append("=\"").append(label(l.getValue())).append('"');
            sep = ",";
        }
        out.append("} ").append(value).append('\n');
    }

    /** A label value escaped: backslash, double quote and line feed. */
    public static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** A float sample value: {@code 2.0} for a whole number, Java's shortest form otherwise. */
    public static String number(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? (long) d + ".0" : Double.toString(d);
    }
}
