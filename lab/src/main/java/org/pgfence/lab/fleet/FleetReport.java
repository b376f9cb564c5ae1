package org.pgfence.lab.fleet;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.pgfence.lab.bench.Percentiles;

/** The fleet's progress lines, as each step ends, and its table over every N. */
public final class FleetReport {
    static final String HEADER = String.format("%6s %8s %-19s %-9s %-14s %-14s %-11s %-17s %-9s %-10s %-15s %-15s %7s %6s",
            "N", "max_conn", "probes,role", "good@0", "rest n1/n2/n3", "peak n1/n2/n3", "refused", "fencing p50/99/max",
            "acked", "audit done", "ingest p50/99/max", "groups back ms", "RSS MB", "CPU%");

    private final PrintStream out;

    public FleetReport(PrintStream out) {
        this.out = out;
    }

    public void print(List<FleetResult> cells) {
        out.printf("%nfleet: N agents in ONE JVM (threads sharing one heap, one JIT and the machine's cores: not N"
                + " processes), 3 PostgreSQL nodes under repmgrd, the lab's 3 pgbouncers as console targets%n");
        out.printf("  probes,role: kept connections or one per probe; the agents' role: repmgr (superuser) or pgfence"
                + " (pg_monitor) with its CONNECTION LIMIT%n");
        out.printf("  good@0: agents whose first reconcile was good (the rest fenced closed or failed)%n");
        out.printf("  rest / peak: the agents' connections per node (pg_stat_activity, application_name pgfence-agent,"
                + " every 100 ms): median at rest, peak from the crash to the last ack + 2 s, over every promotion%n");
        out.printf("  refused: connections PostgreSQL refused for want of a slot (its logs) / agents' log lines about one;"
                + " fencing: master-promoted sent to Kafka -> each agent's verified ack (ms, all agents of all promotions)%n");
        out.printf("  audit done: `pgfence audit status` first says complete, after the publication (ms, worst promotion); ingest: ack sent"
                + " to Kafka -> recorded in the store (ms); groups back: after a broker restart, p99 of the groups' return"
                + " (stable, partition assigned); RSS and CPU: this JVM at rest (CPU in %% of one core)%n");
        out.println(HEADER);
        for (FleetResult c : cells) {
            out.println(row(c));
        }
        for (FleetResult c : cells) {
            if (c.stoppedBy() != null) {
                out.printf("  N=%d stopped: %s%n", c.agents(), c.stoppedBy());
            }
        }
    }

    static String row(FleetResult c) {
        Percentiles f = c.fencing();
        Percentiles i = c.ingest();
        int promotions = c.rounds().size();
        long acked = c.rounds().stream().mapToLong(FleetResult.Round::acked).sum();
        long audit = c.rounds().stream().anyMatch(r -> r.statusCompleteMillis() < 0) ? -1
                : c.rounds().stream().mapToLong(FleetResult.Round::statusCompleteMillis).max().orElse(-1);
        String groups = c.broker() == null ? "-" : c.broker().perGroup().p99() + " (" + c.broker().assigned() + "/"
                + c.broker().groups() + ")";
        return String.format("%6d %8d %-19s %-9s %-14s %-14s %-11s %-17s %-9s %-10s %-15s %-15s %7s %6s", c.agents(),
                c.maxConnections(), c.mode(), c.start() == null ? "-" : c.start().good() + "/" + c.agents(), c.rest() == null ? "-" : perNode(c.rest().connections(), NodeConnections::agentsMedian),
                peaks(c), c.refusals().byNodes() + "/" + c.refusals().loggedByAgents(),
                f.count() == 0 ? "-" : f.p50() + "/" + f.p99() + "/" + f.max(), acked + "/" + (long) promotions * c.agents(),
                audit < 0 ? "-" : Long.toString(audit), i.count() == 0 ? "-" : i.p50() + "/" + i.p99() + "/" + i.max(),
                groups, c.rest() == null ? "-" : Long.toString(c.rest().rssMb()),
                c.rest() == null || c.rest().cpuPercentOfCore() < 0 ? "-"
                        : String.format("%.0f", c.rest().cpuPercentOfCore()));
    }

    /** The peak per node over every round: "50/51/50". */
    private static String peaks(FleetResult c) {
        if (c.rounds().isEmpty()) {
            return "-";
        }
        int nodes = c.rounds().get(0).connections().size();
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < nodes; n++) {
            final int k = n;
            long peak = c.rounds().stream().mapToLong(r -> r.connections().size() > k && r.connections().get(k).samples() > 0
                    ? r.connections().get(k).agentsPeak() : -1).max().orElse(-1);
            sb.append(n == 0 ? "" : "/").append(peak < 0 ? "-" : Long.toString(peak));
        }
        return sb.toString();
    }

    private static String perNode(List<NodeConnections> nodes, ToLongFunction<NodeConnections> value) {
        return nodes.stream().map(n -> n.samples() == 0 ? "-" : Long.toString(value.applyAsLong(n)))
                .collect(Collectors.joining("/"));
    }

    private static String medianPeak(List<NodeConnections> nodes) {
        return nodes.stream().map(NodeConnections::toString).collect(Collectors.joining(", "));
    }

    static void start(PrintStream out, int hosts, FleetResult.Start s, Duration ramp) {
        out.printf("   start: %d agents (one every %d ms) acked their first reconcile within %.1f s (%d of them good);"
                + " agents' connections median/peak meanwhile: %s%n", s.acked(), ramp.toMillis(), s.millis() / 1000.0,
                s.good(), medianPeak(s.connections()));
        if (s.acked() < hosts) {
            out.printf("   start: %d of %d agents did not ack%n", hosts - s.acked(), hosts);
        }
    }

    static void rest(PrintStream out, FleetResult.Rest r, Duration window) {
        out.printf("   at rest (%d s): agents' connections median/peak %s; all client backends at peak %s of"
                + " max_connections %s; JVM RSS %d MB, %d threads, CPU %.1f%% of a core; auditor lag <= %d records%n",
                window.toSeconds(), medianPeak(r.connections()), perNode(r.connections(), NodeConnections::clientsPeak),
                perNode(r.connections(), x -> x.maxConnections()), r.rssMb(), r.threads(), r.cpuPercentOfCore(),
                r.auditorLag());
    }

    static void round(PrintStream out, FleetResult.Round r) {
        Percentiles f = r.fencing();
        Percentiles i = r.ingest();
        out.printf("   promotion %d: crashed %s; repmgrd promoted %s +%d ms (timeline %d); master-promoted sent +%d ms;"
                + " %d/%d agents acked %s: fencing p50 %d, p99 %d, max %d ms after publication; audit status complete"
                + " +%d ms (the store's completed_at +%d ms); ack ingest p50/p99/max %s ms; auditor lag peak %d"
                + " records; acks by status %s; agents' connections median/peak %s; JVM CPU %d ms (machine %.0f%% busy),"
                + " RSS %d MB%s%n", r.index(), r.crashed(), r.promoted(), r.promotedMillis(), r.timeline(),
                r.publishedMillis(), r.acked(), r.hosts(), r.promoted(), f.p50(), f.p99(), f.max(), r.statusCompleteMillis(),
                r.auditCompletedAtMillis(),
                i.count() == 0 ? "-" : i.p50() + "/" + i.p99() + "/" + i.max(), r.auditorLagPeak(), r.statuses(),
                medianPeak(r.connections()), r.cpuMillis(), r.machineBusyPercent(), r.rssMb(),
                r.error() == null ? "" : "; " + r.error());
    }

    static void broker(PrintStream out, FleetResult.Broker b) {
        Percentiles g = b.perGroup();
        out.printf("   broker restart: SIGTERM took %d ms, down %d ms in all, start took %d ms; groups stable with their partition per the"
                + " coordinator: %d/%d, p50/p99/max %s ms after the start; %d groups rebalanced (a new assignment logged"
                + " by the member; the last %d ms after the start)%s%n", b.stopMillis(), b.downMillis(), b.startMillis(), b.assigned(),
                b.groups(), g.count() == 0 ? "-" : g.p50() + "/" + g.p99() + "/" + g.max(), b.rejoined(),
                b.lastRejoinMillis(), b.error() == null ? "" : "; " + b.error());
    }

    /** The refusals and deaths of a cell, after its table row. */
    static void refusals(PrintStream out, FleetResult c) {
        out.printf("   N=%d refused for want of a slot: %s by the nodes (%s), %d agent log lines (%s); agent WARN+ lines"
                + " %d, of which \"fenced closed\" %d; agents whose loop died: %s%n", c.agents(), c.refusals().byNodes(),
                c.refusals().byNode(), c.refusals().loggedByAgents(), c.refusals().firstLogged() == null ? "none"
                : c.refusals().firstLogged(), c.refusals().agentWarnings(), c.refusals().fencedClosedLines(),
                c.agentDeaths());
        if (c.refusals().firstByNode() != null) {
            out.printf("   first refusal in a node's log: %s%n", c.refusals().firstByNode());
        }
    }
}
