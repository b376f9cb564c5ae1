package org.pgfence.lab.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pgfence.lab.bench.Percentiles;

/**
 * What one fleet cell measured (a value of -1 was not measured); {@code mode}: how the agents probed
 * ({@link FleetOptions#mode()}). {@code stoppedBy} is the error that ended the cell
 * early, or null.
 */
public record FleetResult(int agents, int maxConnections, String mode, Start start, Rest rest, List<Round> rounds, Broker broker,
                          Refusals refusals, String agentDeaths, String stoppedBy) {

    /** Start: every agent's first ack (good or not) within {@code millis}; the connections' peak meanwhile. */
    public record Start(long millis, int acked, long good, List<NodeConnections> connections) {
    }

    /** The quiet window before the first crash: connections per node, the JVM's cost, the auditor's lag in records. */
    public record Rest(List<NodeConnections> connections, long rssMb, long threads, double cpuPercentOfCore,
                       long auditorLag) {
    }

    /**
     * One crash of the primary. Times are from the crash ({@code promotedMillis}: a single new primary answers;
     * {@code publishedMillis}: its first master-promoted sent to Kafka, the record's CreateTime) or from that
     * publication ({@code fencing}: each agent's verified ack routing rw to the new primary, by the agent's completion
     * time; {@code auditCompletedAt}: the promotion's {@code completed_at} in the audit store, the auditor's word for
     * when the last host was fenced; {@code statusComplete}: when {@code pgfence audit status} first said complete, polled
     * back to back). {@code ingest}: each kept ack's recording in the store after its agent sent it.
     * {@code connections}: from the crash to the last ack plus 2 s.
     */
    public record Round(int index, String crashed, String promoted, int timeline, long promotedMillis,
                        long publishedMillis, List<Long> fencingMillis, int acked, int hosts, long auditCompletedAtMillis,
                        long statusCompleteMillis, List<Long> ingestMillis,
                        List<NodeConnections> connections, Map<String, Long> statuses, long cpuMillis,
                        double machineBusyPercent, long rssMb, long auditorLagPeak, String error) {
        public Percentiles fencing() {
            return Percentiles.of(fencingMillis);
        }

        public Percentiles ingest() {
            return Percentiles.of(ingestMillis);
        }

        public boolean fenced() {
            return error == null && acked == hosts;
        }
    }

    /**
     * The broker stopped ({@code stopMillis} until it had exited), down {@code downMillis} in all, started again
     * ({@code startMillis} until it served); then, from its start, each
     * group stable with its partition assigned per the coordinator ({@code perGroup}, {@code assigned} of
     * {@code groups}), and the groups whose member logged a new assignment meanwhile ({@code rejoined}).
     */
    public record Broker(long stopMillis, long downMillis, long startMillis, int assigned, int groups, Percentiles perGroup,
                         int rejoined, long lastRejoinMillis, String error) {
    }

    /** Connections refused for want of a slot: in the nodes' logs, and in the agents' log lines. */
    public record Refusals(Map<String, Long> byNode, String firstByNode, long loggedByAgents, String firstLogged,
                           long agentWarnings, long fencedClosedLines) {
        public long byNodes() {
            return byNode.values().stream().mapToLong(Long::longValue).filter(v -> v > 0).sum();
        }
    }

    /** Every agent acked every promotion. */
    public boolean allFenced() {
        return stoppedBy == null && rounds.stream().allMatch(Round::fenced);
    }

    /** Every agent's fencing time in every round, as one sample. */
    public Percentiles fencing() {
        List<Long> all = new ArrayList<>();
        rounds.forEach(r -> all.addAll(r.fencingMillis()));
        return Percentiles.of(all);
    }

    /** Every kept ack's ingest lag in every round, as one sample. */
    public Percentiles ingest() {
        List<Long> all = new ArrayList<>();
        rounds.forEach(r -> all.addAll(r.ingestMillis()));
        return Percentiles.of(all);
    }
}
