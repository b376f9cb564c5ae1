package org.pgfence.lab.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.pgfence.events.FencingAck;
import org.pgfence.lab.LabException;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.process.ExitCode;

/**
 * Brings freshly started agents to the state of agents that have been running for a while: {@code rounds}
 * reconciles each, triggered by SIGHUP (the agent's "reconcile now", the same path its timer takes every
 * {@code reconcileInterval}, 30 s by default), one round at a time, each round waiting for every agent's
 * reconcile ack. 120 rounds are one hour of a production agent's timer. Without it the bench measures agents
 * whose discovery code has run once (the bench pushes the timer out to 30 min), i.e. cold JIT.
 */
final class AgentWarmup {
    static final Duration ROUND_TIMEOUT = Duration.ofSeconds(60);

    private AgentWarmup() {
    }

    /** Runs the rounds; returns the wall time they took. */
    static Duration run(List<LabPgbouncer> agents, Function<LabPgbouncer, Path> config, BenchWatch watch, int rounds) {
        long start = System.nanoTime();
        List<Long> pids = new ArrayList<>();
        for (LabPgbouncer p : agents) {
            pids.add(AgentCost.javaPid(config.apply(p).toString()).orElseThrow(() -> new LabException(
                    ExitCode.CHECK_FAILED, "warm-up: no agent JVM found for " + p.host())));
        }
        List<String> hosts = agents.stream().map(LabPgbouncer::host).toList();
        for (int round = 1; round <= rounds; round++) {
            Map<String, Long> before = reconcileAcks(watch, hosts);
            hup(pids);
            boolean done = watch.await(ROUND_TIMEOUT, () -> {
                Map<String, Long> now = reconcileAcks(watch, hosts);
                return hosts.stream().allMatch(h -> now.get(h) > before.get(h));
            });
            if (!done) {
                throw new LabException(ExitCode.CHECK_FAILED, "warm-up round " + round + ": not every agent acked its"
                        + " reconcile within " + ROUND_TIMEOUT.toSeconds() + " s");
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static Map<String, Long> reconcileAcks(BenchWatch watch, List<String> hosts) {
        Map<String, Long> counts = watch.acks().stream().filter(a -> a.eventId() == null)
                .collect(Collectors.groupingBy(FencingAck::host, Collectors.counting()));
        return hosts.stream().collect(Collectors.toMap(Function.identity(), h -> counts.getOrDefault(h, 0L)));
    }

    private static void hup(List<Long> pids) {
        List<String> argv = new ArrayList<>(List.of("kill", "-HUP"));
        pids.forEach(p -> argv.add(Long.toString(p)));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new LabException(ExitCode.CHECK_FAILED, "warm-up: " + String.join(" ", argv) + " failed: "
                        + new String(p.getInputStream().readAllBytes()).trim());
            }
        } catch (IOException e) {
            throw new LabException(ExitCode.CHECK_FAILED, "warm-up: cannot run kill: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException(ExitCode.CHECK_FAILED, "warm-up interrupted");
        }
    }
}
