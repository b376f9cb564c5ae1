package org.pgfence.lab.torture;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pgfence.lab.CommandOut;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabSpec;
import org.pgfence.process.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pgfence torture}: the randomized fault campaign on a fresh lab ($PGFENCE_LAB_NET, $PGFENCE_LAB_DIR). Prints
 * every step, the counts per fault kind, and either "0 violations" or each violation with its step and the command
 * that replays the same schedule.
 */
@Command(name = "torture", mixinStandardHelpOptions = true, description = {
        "Randomized fault campaign on a real lab: crashes, returning old primaries, partitions, broker outages,",
        "killed agents, broken pgbouncer includes, switchovers and promotions by hand, drawn from a seed, with",
        "the fencing invariants checked after every step. Exits 0 with no violation, 1 with any (seed and step",
        "printed; the same seed replays the same schedule)."})
public final class TortureCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = "--seed", paramLabel = "S", description = "the schedule's seed (default: drawn and printed)")
    Long seed;

    @Option(names = "--steps", paramLabel = "N", description = "faults to apply (default ${DEFAULT-VALUE})")
    int steps = 30;

    public TortureCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PrintStream out = CommandOut.of(spec);
        if (steps < 1) {
            spec.commandLine().getErr().println("pgfence torture: --steps must be >= 1, not " + steps);
            return ExitCode.USAGE.code();
        }
        long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
        Clock clock = Clock.systemUTC();
        Instant start = clock.instant();
        LabSpec labSpec = LabSpec.defaults(env);
        out.printf("pgfence torture --seed %d --steps %d (lab net %s, %s)%n", s, steps, labSpec.net(), labSpec.dir());
        Campaign.Result result;
        try (Lab lab = Lab.up(labSpec, out)) {
            result = new Campaign(lab, s, steps, out, clock).run();
            if (!result.passed()) {
                java.nio.file.Path kept = labSpec.dir().resolveSibling("pgfence-torture-" + s + "-logs");
                lab.keepLogs(kept);
                out.println("the lab's logs are kept in " + kept);
            }
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("pgfence torture: cannot keep the logs: " + e.getMessage());
            return ExitCode.ENVIRONMENT.code();
        }
        out.println(report(result, Duration.between(start, clock.instant())));
        return result.passed() ? ExitCode.OK.code() : ExitCode.CHECK_FAILED.code();
    }

    static String report(Campaign.Result r, Duration took) {
        StringBuilder b = new StringBuilder();
        b.append("seed ").append(r.seed()).append(", ").append(r.steps()).append(" steps in ")
                .append(took.toSeconds()).append(" s\napplied: ").append(r.applied()).append("\nnot applied (the lab ")
                .append("refused): ").append(r.refused()).append("\nobserved: ").append(r.observed()).append('\n');
        if (r.passed()) {
            b.append("0 violations");
        } else {
            b.append(r.violations().size()).append(" violation(s):\n");
            r.violations().forEach(v -> b.append("  ").append(v).append('\n'));
            b.append("replay: pgfence torture --seed ").append(r.seed()).append(" --steps ").append(r.steps());
        }
        return b.toString();
    }
}
