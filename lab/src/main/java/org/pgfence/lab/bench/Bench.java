package org.pgfence.lab.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.pgfence.events.FencingAck;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabException;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.LabSpec;
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.lab.drill.Fencing;
import org.pgfence.process.ExitCode;

/**
 * One benchmark cell: a fresh lab with {@code hosts} pgbouncer hosts (an agent each, separate JVMs, the
 * timer reconcile pushed out of the way so every apply is triggered by an event), idle cost, K measured
 * switchovers, then the classic recipe on the same hosts.
 */
final class Bench {
    /** Long enough that no timer reconcile runs during a cell: every measured apply is event-triggered. */
    static final Duration RECONCILE = Duration.ofMinutes(30);
    static final Duration SETTLE = Duration.ofSeconds(10);
    static final Duration COST_WINDOW = Duration.ofSeconds(10);

    private final LabSpec base;
    private final PrintStream out;
    private final Clock clock;

    Bench(LabSpec base, PrintStream out, Clock clock) {
        this.base = base;
        this.out = out;
        this.clock = clock;
    }

    CellResult run(int hosts, int promotions, int classicRuns, int warmup) {
        out.printf("%n== N=%d pgbouncer hosts: building the lab%n", hosts);
        try (Lab lab = Lab.up(base.withExtraPgbouncers(hosts - base.nodes()), out)) {
            String prefix = "bench" + hosts + "-" + UUID.randomUUID().toString().substring(0, 8);
            DrillConfigs configs = new DrillConfigs(lab, "bench", prefix, RECONCILE, false);
            try (Fencing fencing = new Fencing(lab, configs, clock).start(false);
                 BenchWatch watch = new BenchWatch(fencing.kafka(), clock)) {
                awaitAgents(lab, fencing, hosts);
                LockSupport.parkNanos(SETTLE.toNanos()); // let start-up JIT and GC die down before measuring idle cost
                List<Path> agentConfigs = AgentCost.configs(lab.pgbouncers(), configs::agentConfig);
                AgentCost.Summary idle = AgentCost.measure(agentConfigs, COST_WINDOW);
                out.printf("   idle agents: %s%n", idle);
                if (warmup > 0) {
                    Duration took = AgentWarmup.run(lab.pgbouncers(), configs::agentConfig, watch, warmup);
                    out.printf("   warm-up: %d reconciles per agent (SIGHUP) in %d ms%n", warmup, took.toMillis());
                }
                List<PromotionSample> samples;
                try (CpuSampler cpu = new CpuSampler(AgentCost.pids(agentConfigs), clock, true)) {
                    samples = promote(lab, fencing, watch, cpu, promotions);
                }
                List<Long> announce = announceDelays(watch);
                AgentCost.Summary after = AgentCost.measure(agentConfigs, Duration.ofSeconds(3));
                boolean healthy = samples.size() == promotions;
                Classic classic = classicRuns == 0 || !healthy ? new Classic(List.of(), null) : classic(lab, fencing, classicRuns);
                return new CellResult(hosts, samples, announce, idle, after, classic.runs, classic.observation);
            } finally {
                keepLogs(lab, hosts);
            }
        }
    }

    /** The agents' and pgbouncers' logs outlive the lab, for profiling: {@code <tmp>/pgfence-bench-logs/N<hosts>}. */
    private void keepLogs(Lab lab, int hosts) {
        Path to = Path.of(System.getProperty("java.io.tmpdir"), "pgfence-bench-logs", "N" + hosts);
        try {
            Files.createDirectories(to);
            try (var files = Files.list(lab.dir().resolve("logs"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (LabPgbouncer p : lab.pgbouncers()) {
                Files.copy(p.log(), to.resolve("pgbouncer-" + p.host() + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
            for (LabNode n : lab.nodes()) {
                Path repmgrd = n.repmgrdLog();
                if (Files.exists(repmgrd)) {
                    Files.copy(repmgrd, to.resolve("repmgrd-" + n.name() + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            out.printf("   logs kept in %s%n", to);
        } catch (IOException e) {
            out.printf("   logs not kept: %s%n", e.getMessage());
        }
    }

    private void awaitAgents(Lab lab, Fencing fencing, int hosts) {
        Instant start = clock.instant();
        Duration timeout = Duration.ofSeconds(60 + 12L * hosts);
        boolean up = fencing.watch().await(timeout, () -> lab.pgbouncers().stream().allMatch(p -> !fencing.watch()
                .events(FencingAck.class, a -> a.host().equals(p.host()) && a.status().isGood()).isEmpty()));
        if (!up) {
            throw new LabException(ExitCode.CHECK_FAILED, "not every agent reconciled within " + timeout.toSeconds() + " s");
        }
        out.printf("   %d agents up and reconciled in %d ms%n", hosts, Duration.between(start, clock.instant()).toMillis());
    }

    private List<PromotionSample> promote(Lab lab, Fencing fencing, BenchWatch watch, CpuSampler cpu, int promotions) {
        Switchovers switchovers = new Switchovers(lab, fencing, watch, cpu, clock);
        List<PromotionSample> samples = new ArrayList<>();
        for (int i = 1; i <= promotions; i++) {
            PromotionSample s;
            try {
                s = switchovers.next(i);
            } catch (LabException e) {
                out.printf("   promotion %2d: %s; the cell stops here (repmgr logs kept with the agents' logs)%n", i,
                        e.getMessage().lines().findFirst().orElse(""));
                break;
            }
            samples.add(s);
            out.printf("   promotion %2d -> %s (tli %d, switchover %d ms): fencing %d ms, %d/%d acks (%d APPLIED)%s%s%n",
                    i, s.target(), s.timeline(), s.switchoverMillis(), s.fencingMillis(), s.acks().size(), s.hosts(),
                    s.applied(), s.verified() ? ", pgbouncer verified" : ", NOT verified in SHOW DATABASES",
                    s.cpu() == null ? "" : String.format("; agents' CPU %d ms (%d per agent), machine %.0f%% busy",
                            s.cpu().agentsMillis(), s.cpu().perAgentMillis(), s.cpu().machineBusyPercent()));
            if (s.cpu() != null && !s.cpu().byGroupMillis().isEmpty()) {
                out.printf("                 the window's CPU by process (ms): %s%n", s.cpu().byGroupMillis());
            }
        }
        return samples;
    }

    /** repmgr's event timestamp to the first publication of each new timeline: pgfence notify's own cost. */
    private static List<Long> announceDelays(BenchWatch watch) {
        Map<Integer, BenchWatch.Promotion> first = new TreeMap<>();
        for (BenchWatch.Promotion p : watch.promotions()) {
            first.merge(p.event().epoch().timeline(), p, (a, b) -> a.seen().isBefore(b.seen()) ? a : b);
        }
        return first.values().stream().map(p -> Duration.between(p.event().occurredAt(), p.seen()).toMillis()).toList();
    }

    private record Classic(List<ClassicRecipe.Run> runs, ClassicRecipe.Observation observation) {
    }

    /**
     * The agents are stopped first and one more switchover runs unfenced, so the recipe starts where it would in
     * production: every pgbouncer still routing to the former primary.
     */
    private Classic classic(Lab lab, Fencing fencing, int runs) {
        ClassicRecipe recipe = new ClassicRecipe(lab).install();
        lab.pgbouncers().forEach(fencing::stopAgent);
        LabNode former = lab.currentPrimary().orElseThrow(() -> new LabException(ExitCode.CHECK_FAILED,
                "no primary before the classic recipe's switchover"));
        LabNode primary = lab.node(former.id() % lab.nodes().size() + 1);
        lab.switchover(primary.id());
        out.printf("   agents stopped; switchover %s -> %s unfenced; pgbouncers route appdb-rw to %s%n", former.name(),
                primary.name(), Fencing.target(lab.pgbouncer(1), "appdb-rw"));
        List<ClassicRecipe.Run> done = new ArrayList<>();
        ClassicRecipe.Observation observation = null;
        for (int i = 1; i <= runs; i++) {
            Map<String, Long> offsets = recipe.logOffsets();
            ClassicRecipe.Run run = recipe.run(primary);
            done.add(run);
            out.printf("   classic recipe run %d: %d ms, exit %d%n", i, run.millis(), run.exitCode());
            if (observation == null) {
                observation = recipe.observe(offsets);
            }
        }
        return new Classic(done, observation);
    }
}
