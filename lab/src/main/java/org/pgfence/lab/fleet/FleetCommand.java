package org.pgfence.lab.fleet;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pgfence.lab.CommandOut;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabException;
import org.pgfence.lab.LabSpec;
import org.pgfence.process.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pgfence fleet}: N pgbouncer hosts' agents, simulated in this JVM, against a real lab; what the PostgreSQL
 * nodes, the auditor and the Kafka group coordinator see of them at rest, through crashes of the primary and a
 * broker restart. Each N gets a fresh lab ($PGFENCE_LAB_NET, $PGFENCE_LAB_DIR); the first N that cannot be
 * measured ends the run.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true, description = {
        "Simulate a fleet of N pgbouncer hosts on a real lab: N real agents in one JVM (threads, not processes), each",
        "with its own config, consumer group and [databases] file behind the lab's pgbouncers; K crashes of the primary",
        "and a broker restart, measured. Exits 1 if a promotion was not fenced by every agent."})
public final class FleetCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = "--agents", split = ",", paramLabel = "N", description = "simulated hosts per lab (1..1000; default 50)")
    List<Integer> agents = new ArrayList<>(List.of(50));

    @Option(names = "--promotions", paramLabel = "K", description = "crashes of the primary per N (default 1)")
    int promotions = 1;

    @Option(names = "--max-connections", paramLabel = "M", description = {
            "max_connections given to every node first (default 100, PostgreSQL's default; 0 keeps the lab's 50)"})
    int maxConnections = 100;

    @Option(names = "--broker-restart", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "stop and start the broker at the end and time the groups' return (default on)")
    boolean brokerRestart = true;

    @Option(names = "--probe-connections", paramLabel = "kept|per-probe", description = {
            "the agents' clusters[].keepConnections: one kept connection per node (kept, the default) or one per probe"})
    String probeConnections = "kept";

    @Option(names = "--role-limit", paramLabel = "L", description = {
            "agents log in as the pgfence role (pg_monitor, not a superuser) with CONNECTION LIMIT L (0: no limit);",
            "default: as repmgr, a superuser, as the lab's agents do"})
    Integer roleLimit;

    @Option(names = "--rest", paramLabel = "SECONDS", description = "the quiet window measured before the first crash (default 10)")
    int rest = 10;

    public FleetCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PrintStream out = CommandOut.of(spec);
        if (agents.stream().anyMatch(n -> n < 1 || n > 1000) || promotions < 1 || maxConnections < 0 || rest < 0
                || !List.of("kept", "per-probe").contains(probeConnections) || (roleLimit != null && roleLimit < 0)) {
            spec.commandLine().getErr().println("pgfence fleet: --agents must be 1..1000, --promotions >= 1,"
                    + " --max-connections >= 0, --rest >= 0, --probe-connections kept or per-probe, --role-limit >= 0");
            return ExitCode.USAGE.code();
        }
        Clock clock = Clock.systemUTC();
        Instant start = clock.instant();
        LabSpec spec0 = LabSpec.defaults(env);
        FleetOptions options = FleetOptions.defaults(promotions).withMaxConnections(maxConnections)
                .withBrokerRestart(brokerRestart).withRest(Duration.ofSeconds(rest))
                .withKeepConnections(probeConnections.equals("kept")).withPgfenceRole(roleLimit == null ? -1 : roleLimit);
        out.printf("pgfence fleet: agents %s, %d promotion(s) each, max_connections %s, broker restart %s, lab net %s (%s)%n",
                agents, promotions, maxConnections == 0 ? "the lab's" : maxConnections, brokerRestart ? "on" : "off",
                spec0.net(), spec0.dir());
        List<FleetResult> cells = new ArrayList<>();
        FleetReport report = new FleetReport(out);
        for (int n : agents) {
            out.printf("%n== N=%d simulated pgbouncer hosts: building the lab%n", n);
            try (Lab lab = Lab.up(spec0, out)) {
                FleetResult r = new Fleet(options, out, clock).run(lab, n);
                cells.add(r);
                FleetReport.refusals(out, r);
                if (r.stoppedBy() != null) {
                    break;
                }
            } catch (LabException e) {
                spec.commandLine().getErr().println("pgfence fleet: N=" + n + ": " + e.getMessage());
                report.print(cells);
                return e.exitCode().code();
            }
        }
        report.print(cells);
        out.printf("fleet took %.1f s%n", Duration.between(start, clock.instant()).toMillis() / 1000.0);
        return cells.size() == agents.size() && cells.stream().allMatch(FleetResult::allFenced)
                ? ExitCode.OK.code() : ExitCode.CHECK_FAILED.code();
    }
}
