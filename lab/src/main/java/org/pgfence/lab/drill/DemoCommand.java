package org.pgfence.lab.drill;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabException;
import org.pgfence.lab.LabSpec;
import org.pgfence.process.ConfigReader;
import org.pgfence.process.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgfence demo}: the failover drill on a fresh lab, with a readable timeline and a summary. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "Build a lab, run pgfence on it (an agent per pgbouncer, the auditor, repmgrd wired to",
        "pgfence promote/notify), crash the primary, and show fencing happen. Exits 1 if any check failed.",
        "With --switchover: a planned switchover instead, and what clients saw of it."})
public final class DemoCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = "--keep", description = "leave the lab, the agents and the auditor running afterwards (stop all with: pgfence lab down)")
    boolean keep;

    @Option(names = "--switchover", description = {"instead of crashing the primary, switch over to node2 with",
            "pgfence switchover (two-phase fencing), writers in transaction and session pooling; prints their",
            "errors and longest stall per pgbouncer"})
    boolean switchover;

    @Option(names = "--promote-pause", paramLabel = "DURATION", description = {"crash drill: run pgfence promote with",
            "promote.pause (e.g. 20s), so clients queue while the standby is promoted; default off, as in production"})
    String promotePause;

    public DemoCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        Clock clock = Clock.systemUTC();
        Instant start = clock.instant();
        Duration pause = promotePause == null ? Duration.ZERO : ConfigReader.parseDuration(promotePause.strip());
        if (pause == null || pause.isNegative() || (promotePause != null && pause.isZero())) {
            spec.commandLine().getErr().println("pgfence demo: --promote-pause " + promotePause + " is not a positive"
                    + " duration (500ms, 20s, 1m); nothing started");
            return ExitCode.USAGE.code();
        }
        LabSpec labSpec = LabSpec.defaults(env);
        out.println("pgfence demo: building a lab in " + labSpec.dir());
        Lab lab;
        try {
            lab = Lab.up(labSpec, out);
        } catch (LabException e) {
            spec.commandLine().getErr().println("pgfence demo: " + e.getMessage());
            return e.exitCode().code();
        }
        DrillReport report = new DrillReport(out);
        out.println();
        DrillConfigs configs = new DrillConfigs(lab, "lab", "pgfence", Duration.ofSeconds(2), true);
        Fencing fencing = new Fencing(lab, configs.withTransactionPool(), clock);
        try {
            if (switchover) {
                out.println("drill (times relative to the start of pgfence switchover)");
                fencing.start(true);
                report.at(clock.instant(), "started the auditor and " + lab.pgbouncers().size() + " agents (separate"
                        + " JVMs), each routing appdb-rw (session pooling) and " + DrillConfigs.TX_DATABASE
                        + " (transaction pooling)");
                new SwitchoverDrill(fencing, report, clock).run(lab.node(2));
            } else {
                out.println("drill (times relative to the crash of node1)");
                new FailoverDrill(fencing, report, clock, pause).run();
            }
        } finally {
            if (!keep) {
                fencing.close();
            }
            report.printSummary();
            if (keep) {
                out.println("lab kept in " + lab.dir() + " (pgfence lab status / pgfence lab down)");
            } else {
                lab.close();
            }
            out.printf("demo took %.1f s%n", Duration.between(start, clock.instant()).toMillis() / 1000.0);
        }
        return report.passed() ? ExitCode.OK.code() : ExitCode.CHECK_FAILED.code();
    }
}
