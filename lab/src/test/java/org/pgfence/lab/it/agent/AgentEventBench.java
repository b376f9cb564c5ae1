package org.pgfence.lab.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgfence.lab.it.agent.AgentStage.rw;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.bench.Proc;
import org.pgfence.lab.drill.Fencing;

/**
 * One agent alone on the lab, from a {@code master-promoted} received to its verified ack (#20: p50 <= 15 ms on a
 * quiet machine); {@link AgentFailClosedIT} measures the same applies with every agent of the lab answering the same
 * event on the same two cores. Not part of the suite (the name does not end in IT); run it with
 * {@code PGFENCE_LAB_NET=127.0.4 mvn -B -o -q -pl lab verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=AgentEventBench -Dfailsafe.failIfNoSpecifiedTests=false} (optionally {@code -Dpgfence.bench.events=N}, and {@code -Dpgfence.bench.rounds=R} for R rounds of N events
 * reported one after the other: how the cost moves as the JIT compiles the event path).
 *
 * <p>As in AgentFailClosedIT: repmgrd stopped, node2 promoted by hand beside a writable node1, and node2's own
 * metadata toggled between primary and standby before each announcement, so every event makes the agent write,
 * reload and verify its ini, and either route rw to node2 or close it and cut the sessions on node1.
 */
@ExtendWith(LabExtension.class)
class AgentEventBench {
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(10);

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void oneAgentAloneFromEventReceivedToVerifiedAck(Lab lab) throws Exception {
        int events = Integer.getInteger("pgfence.bench.events", 40);
        int rounds = Integer.getInteger("pgfence.bench.rounds", 1); // rounds of `events` each, reported one by one
        LabPgbouncer pgb = lab.pgbouncers().get(0);
        LabNode node2 = lab.node(2);
        try (AgentStage stage = AgentStage.start(lab, "agent-bench-" + UUID.randomUUID().toString().substring(0, 8),
                Duration.ofSeconds(30), List.of(pgb))) {
            assertThat(rw(stage.awaitStartAck(pgb))).isEqualTo("node1");
            lab.nodes().forEach(n -> lab.stopRepmgrd(n.id()));
            AgentStage.sql(node2, "postgres", "SELECT pg_promote()");
            await().atMost(Duration.ofSeconds(30)).until(() -> !lab.probe(2).orElseThrow().inRecovery());
            long pid = stage.fencing.processes().jvm(Fencing.agentName(pgb)).orElseThrow().pid();
            // the agent's background (a heartbeat every 2 s, the timer's reconcile) over a window of its own, to take
            // out of what the events cost
            long idleTicks = Proc.cpuTicks(pid);
            long idleStart = System.nanoTime();
            Thread.sleep(IDLE_WINDOW.toMillis());
            double idleTicksPerNano = (double) (Proc.cpuTicks(pid) - idleTicks) / (System.nanoTime() - idleStart);
            for (int round = 1; round <= rounds; round++) {
                Map<String, Long> threadsBefore = Proc.threadTicks(pid);
                long[] before = Proc.userSystemTicks(pid);
                long start = System.nanoTime();
                List<Latency.Apply> samples = stage.toggleNode2(node2, events, List.of(pgb));
                long[] after = Proc.userSystemTicks(pid);
                double background = idleTicksPerNano * (System.nanoTime() - start);
                double eventTicks = after[0] + after[1] - before[0] - before[1] - background;
                Map<String, Long> threadsAfter = Proc.threadTicks(pid);
                assertThat(samples).as("real applies").hasSizeGreaterThanOrEqualTo(events * 3 / 4);
                System.out.printf("round %d of %d (%d events before it):%n", round, rounds, (round - 1) * events);
                Latency.printApplies(samples);
                System.out.printf("agent CPU per event (utime+stime, its background taken out): %.1f ms over %d events"
                        + " (user %.1f, system %.1f, background in both); background %.2f %% of a core%n",
                        eventTicks * Proc.TICK_MILLIS / events, events,
                        (double) (after[0] - before[0]) * Proc.TICK_MILLIS / events,
                        (double) (after[1] - before[1]) * Proc.TICK_MILLIS / events,
                        idleTicksPerNano * Proc.TICK_MILLIS * 1e6 * 100); // CPU ms per wall ms, in percent
                threadsAfter.entrySet().stream()
                        .map(e -> Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)))
                        .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .forEach(e -> System.out.printf("  thread %-28s %6d ms in all (background included)%n",
                                e.getKey(), e.getValue() * Proc.TICK_MILLIS));
            }
        }
    }
}
