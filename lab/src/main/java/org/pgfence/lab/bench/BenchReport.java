package org.pgfence.lab.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** The benchmark's tables, in the form BENCHMARKS.md quotes them. */
final class BenchReport {
    private final PrintStream out;

    BenchReport(PrintStream out) {
        this.out = out;
    }

    void print(List<CellResult> cells) {
        out.println();
        out.println("fencing latency: master-promoted published -> every agent's verified ack (timings.completedAt), ms");
        out.println("  (published = first seen by the bench's own consumer; 'from send' counts from the record's CreateTime instead)");
        out.printf("  %4s %6s %7s %7s %7s %7s | %-20s | %-14s | %-20s | %-9s | %s%n", "N", "K", "p50", "p95", "p99", "max",
                "per ack p50/p95/max", "from send p50", "agent own p50/p95/max", "delivery", "discover/apply p50");
        for (CellResult c : cells) {
            Percentiles f = c.fencing();
            Percentiles a = c.perAck();
            Percentiles own = c.agentOwn();
            out.printf("  %4d %3d/%-2d %7d %7d %7d %7d | %-20s | %-14s | %-20s | %-9s | %d/%d%n", c.hosts(), c.complete().size(),
                    c.samples().size(), f.p50(), f.p95(), f.p99(), f.max(), a.p50() + "/" + a.p95() + "/" + a.max(),
                    c.perAckFromSend().p50(), own.p50() + "/" + own.p95() + "/" + own.max(), "p50 " + c.delivery().p50(),
                    c.discover().p50(), c.apply().p50());
        }
        out.println("  (nearest-rank percentiles over K promotions: with K=10, p95 and p99 are the maximum)");
        out.println();
        out.println("CPU while fencing (publication -> last ack; /proc every 20 ms, 10 ms ticks), per promotion");
        out.printf("  %4s %22s %20s %18s%n", "N", "agents' CPU p50/max", "per agent p50", "machine busy p50");
        for (CellResult c : cells) {
            Percentiles cpu = c.agentsCpu();
            if (cpu.count() == 0) {
                out.printf("  %4d  not sampled%n", c.hosts());
                continue;
            }
            out.printf("  %4d %14d / %5d ms %17d ms %17d%%%n", c.hosts(), cpu.p50(), cpu.max(),
                    cpu.p50() / c.hosts(), c.machineBusy().p50());
            if (!c.cpuByGroupP50().isEmpty()) {
                out.printf("  %4s by process, ms (median of each over the promotions): %s%n", "", c.cpuByGroupP50());
            }
        }
        out.println();
        out.println("classic recipe (SKIP_PROMOTE=1, serial loop over the same hosts), ms");
        out.printf("  %4s %5s %8s %8s %8s %10s%n", "N", "runs", "median", "min", "max", "speed-up");
        for (CellResult c : cells) {
            if (c.classic().isEmpty()) {
                out.printf("  %4d  not run%n", c.hosts());
                continue;
            }
            List<Long> ok = c.classic().stream().filter(r -> r.exitCode() == 0).map(ClassicRecipe.Run::millis).toList();
            out.printf("  %4d %2d/%-2d %8d %8d %8d %9.1fx%n", c.hosts(), ok.size(), c.classic().size(), c.classicMillis().p50(),
                    ok.stream().mapToLong(Long::longValue).min().orElse(-1), c.classicMillis().max(), c.speedup());
        }
        for (CellResult c : cells) {
            printObservation(c);
        }
        out.println();
        out.println("cost (agents' JVMs, from /proc)");
        for (CellResult c : cells) {
            out.printf("  N=%-3d idle: %s%n", c.hosts(), c.idle());
            out.printf("  N=%-3d after the run: %s%n", c.hosts(), c.afterRun());
        }
        out.println();
        out.println("announce (repmgr event timestamp -> master-promoted published, pgfence notify's share), ms");
        for (CellResult c : cells) {
            out.printf("  N=%-3d %s%n", c.hosts(), Percentiles.of(c.announceMillis()));
        }
        out.flush();
    }

    private void printObservation(CellResult c) {
        ClassicRecipe.Observation o = c.observation();
        if (o == null) {
            return;
        }
        out.printf("  N=%d after the recipe's first run, SHOW DATABASES says:%n", c.hosts());
        for (Map.Entry<String, List<String>> e : o.databases().entrySet()) {
            out.printf("    %s  (%d hosts: %s)%n", e.getKey(), e.getValue().size(), String.join(",", e.getValue()));
        }
        c.classic().stream().findFirst().filter(r -> r.exitCode() != 0)
                .ifPresent(r -> out.printf("    the recipe failed: %s%n", r.output().strip().replace("\n", " | ")));
        out.printf("  N=%d pgbouncer logged (distinct lines, all hosts):%n", c.hosts());
        o.logLines().stream().limit(12).forEach(l -> out.printf("    %s%n", l));
    }
}
