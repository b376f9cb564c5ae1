package org.pgfence.events.kafka;

import java.util.regex.Pattern;

/**
 * The Kafka topics of one pgfence installation and how their records are keyed.
 *
 * <table>
 *   <caption>topics</caption>
 *   <tr><th>topic</th><th>key</th><th>records</th></tr>
 *   <tr><td>{@code <prefix>.promotions}</td><td>cluster</td><td>master-promoted (compacted and retained)</td></tr>
 *   <tr><td>{@code <prefix>.promotions}</td><td>maintenance/cluster</td><td>maintenance-mode (the latest per
 *   cluster survives compaction beside the latest promotion)</td></tr>
 *   <tr><td>{@code <prefix>.promotions}</td><td>fencing/cluster</td><td>fencing-started (the latest intent; an
 *   agent acts on it only until its pauseUntil)</td></tr>
 *   <tr><td>{@code <prefix>.acks}</td><td>cluster/host</td><td>fencing-ack</td></tr>
 *   <tr><td>{@code <prefix>.agents}</td><td>host</td><td>agent-heartbeat (compacted)</td></tr>
 * </table>
 */
public record Topics(String prefix) {
    public static final String DEFAULT_PREFIX = "pgfence";
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

    public Topics {
        if (prefix == null || !LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException("Invalid topic prefix '" + prefix
                    + "': must match " + LEGAL.pattern());
        }
    }

    public String promotions() {
        return prefix + ".promotions";
    }

    public String acks() {
        return prefix + ".acks";
    }

    public String agents() {
        return prefix + ".agents";
    }

    public static String promotionKey(String cluster) {
        return cluster;
    }

    /** Maintenance-mode records' key: not the cluster's own, which compaction keeps for its latest promotion. */
    public static String maintenanceKey(String cluster) {
        return "maintenance/" + cluster;
    }

    /** Fencing-started records' key: an intent never replaces the cluster's latest promotion in compaction. */
    public static String fencingKey(String cluster) {
        return "fencing/" + cluster;
    }

    public static String ackKey(String cluster, String host) {
        return cluster + "/" + host;
    }

    public static String agentKey(String host) {
        return host;
    }

    /** The consumer group of the agent on {@code host}: one group per host, so every host sees every event. */
    public static String agentGroup(String host) {
        return "pgfence-agent." + host;
    }
}
