package org.pgfence.lab.bench;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pgfence.lab.CommandOut;
import org.pgfence.lab.LabException;
import org.pgfence.lab.LabSpec;
import org.pgfence.process.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pgfence bench}: fencing latency on real components for N pgbouncer hosts, against the classic
 * recipe on the same hosts, and what the agents cost. Each N gets a fresh lab ($PGFENCE_LAB_NET, $PGFENCE_LAB_DIR).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = {
        "Benchmark pgfence on a real lab: K switchovers per N pgbouncer hosts (an agent each), the classic",
        "repmgr fencing recipe on the same hosts, and idle agent cost. Exits 1 if a promotion was not fenced."})
public final class BenchCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = "--hosts", split = ",", paramLabel = "N", description = "pgbouncer hosts per lab (>= 3; default 3,10,30)")
    List<Integer> hosts = new ArrayList<>(List.of(3, 10, 30));

    @Option(names = "--promotions", paramLabel = "K", description = "measured switchovers per N (default 10)")
    int promotions = 10;

    @Option(names = "--classic-runs", paramLabel = "R", description = "runs of the classic recipe per N (default 3)")
    int classicRuns = 3;

    @Option(names = "--warmup", paramLabel = "W", description = {
            "reconciles per agent (SIGHUP) before the measured promotions, as the timer would run them in production:",
            "120 = one hour at the default 30 s interval (default 0: agents as freshly started, the cold case)"})
    int warmup;

    @Option(names = "--kafka-bootstrap", paramLabel = "SERVERS", description = "use this broker instead of starting one per lab")
    String kafkaBootstrap;

    public BenchCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PrintStream out = CommandOut.of(spec);
        if (hosts.stream().anyMatch(n -> n < 3 || n > 200) || promotions < 1 || classicRuns < 0 || warmup < 0) {
            spec.commandLine().getErr().println("pgfence bench: --hosts must be 3..200, --promotions >= 1, --classic-runs >= 0,"
                    + " --warmup >= 0");
            return ExitCode.USAGE.code();
        }
        Clock clock = Clock.systemUTC();
        Instant start = clock.instant();
        LabSpec base = LabSpec.defaults(env);
        if (kafkaBootstrap != null) {
            base = base.withExternalKafka(kafkaBootstrap);
        }
        out.printf("pgfence bench: hosts %s, %d promotions, %d warm-up reconciles and %d classic runs each, lab net %s (%s)%n",
                hosts, promotions, warmup, classicRuns, base.net(), base.dir());
        List<CellResult> cells = new ArrayList<>();
        try {
            Bench bench = new Bench(base, out, clock);
            for (int n : hosts) {
                cells.add(bench.run(n, promotions, classicRuns, warmup));
            }
        } catch (LabException e) {
            spec.commandLine().getErr().println("pgfence bench: " + e.getMessage());
            new BenchReport(out).print(cells);
            return e.exitCode().code();
        }
        new BenchReport(out).print(cells);
        out.printf("bench took %.1f s%n", Duration.between(start, clock.instant()).toMillis() / 1000.0);
        boolean allFenced = cells.stream().allMatch(c -> c.complete().size() == promotions);
        return allFenced ? ExitCode.OK.code() : ExitCode.CHECK_FAILED.code();
    }
}
