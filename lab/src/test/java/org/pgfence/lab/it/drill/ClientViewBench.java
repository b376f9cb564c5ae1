package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.lab.drill.Fencing;
import org.pgfence.lab.drill.SwitchoverDrill;
import org.pgfence.lab.drill.Writers;

/**
 * BENCHMARKS.md "Client view", a measurement rather than a suite test (not an *IT; run it by name):
 * {@code PGFENCE_LAB_NET=127.0.6 mvn -B -o -pl lab verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=ClientViewBench -Dfailsafe.failIfNoSpecifiedTests=false -Dpgfence.bench.rounds=3}.
 * <p>
 * In the same run, alternating: a plain {@code repmgr standby switchover} (agents fence it on the promotion's event,
 * as pgfence did before two-phase fencing and as the classic recipe does at best), and {@code pgfence switchover}.
 * Writers every 20 ms through every pgbouncer, in transaction pooling and in session pooling; for each: client
 * errors, the longest single write (a client's stall), and repmgr's own duration.
 */
@ExtendWith(LabExtension.class)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class ClientViewBench {
    private static Fencing fencing;

    @BeforeAll
    static void start(Lab lab) {
        fencing = new Fencing(lab, new DrillConfigs(lab, FaultKit.CLUSTER, "bench-client-" + UUID.randomUUID().toString()
                .substring(0, 8), FaultKit.RECONCILE, false).withTransactionPool(), Clock.systemUTC()).start(true);
        assertThat(FaultKit.awaitAgentsUp(fencing, lab.node(1))).isTrue();
    }

    @AfterAll
    static void stop() {
        if (fencing != null) {
            fencing.close();
        }
    }

    @Test
    void plainSwitchoverAgainstPgfenceSwitchover(Lab lab) throws Exception {
        int rounds = Integer.getInteger("pgfence.bench.rounds", 2);
        boolean plain = !Boolean.getBoolean("pgfence.bench.twoPhaseOnly");
        List<String> rows = new ArrayList<>();
        int to = 2;
        for (int i = 0; i < rounds; i++) {
            for (boolean twoPhase : plain ? List.of(false, true) : List.of(true)) {
                LabNode target = lab.node(to);
                lab.awaitRepmgrdWatching(lab.currentPrimary().orElseThrow().id(), Duration.ofSeconds(60));
                rows.add(round(lab, target, twoPhase));
                to = to % 3 + 1;
            }
        }
        System.out.println("\nclient view of a planned switchover (writers every 20 ms through each of "
                + lab.pgbouncers().size() + " pgbouncers, 60 s client timeout)");
        System.out.println(String.format("%-22s %9s %10s %14s %10s %14s", "how", "repmgr ms", "tx errors",
                "tx longest ms", "sess errors", "sess longest ms"));
        rows.forEach(System.out::println);
    }

    private String round(Lab lab, LabNode target, boolean twoPhase) throws Exception {
        try (Writers tx = new Writers(lab.pgbouncers(), Clock.systemUTC(), false, DrillConfigs.TX_DATABASE, 60);
             Writers session = new Writers(lab.pgbouncers(), Clock.systemUTC(), false, "appdb-rw", 60)) {
            assertThat(fencing.awaitTrue(Duration.ofSeconds(20), () -> tx.stats().stream().allMatch(s -> s.inserted() >= 5)
                    && session.stats().stream().allMatch(s -> s.inserted() >= 5))).isTrue();
            Instant t0 = Instant.now();
            long repmgrMillis;
            if (twoPhase) {
                org.pgfence.lab.Exec.Result run = fencing.switchover(target, Duration.ofSeconds(20));
                assertThat(run.exitCode()).as(run.output()).isZero();
                repmgrMillis = SwitchoverDrill.repmgrMillis(run.output());
                assertThat(repmgrMillis).as(run.output()).isPositive();
            } else {
                repmgrMillis = lab.switchover(target.id()).toMillis();
            }
            assertThat(fencing.awaitRouted(DrillConfigs.TX_DATABASE, target, FaultKit.FENCING)).isTrue();
            assertThat(fencing.awaitRouted("appdb-rw", target, FaultKit.FENCING)).isTrue();
            // writes after the move: every client has had the chance to stall, fail or go through
            assertThat(fencing.awaitTrue(Duration.ofSeconds(30), () -> tx.stats().stream().allMatch(s -> s.inserted() >= 10))).isTrue();
            Instant t1 = Instant.now();
            long txErrors = tx.errorsBetween(t0, t1).size();
            tx.errorsBetween(t0, t1).stream().collect(java.util.stream.Collectors.groupingBy(
                    e -> e.message() == null ? "?" : e.message().replaceAll("[0-9]+", "N"))).forEach((msg, list) ->
                    System.out.printf("  tx errors (%s): %d x %s, +%d..+%d ms%n", twoPhase ? "pgfence" : "repmgr",
                            list.size(), msg, Duration.between(t0, list.get(0).at()).toMillis(),
                            Duration.between(t0, list.get(list.size() - 1).at()).toMillis()));
            long sessErrors = session.errorsBetween(t0, t1).size();
            long txLongest = tx.longestWrite().values().stream().mapToLong(Duration::toMillis).max().orElse(0);
            long sessLongest = session.longestWrite().values().stream().mapToLong(Duration::toMillis).max().orElse(0);
            return String.format("%-22s %9d %10d %14d %10d %14d", (twoPhase ? "pgfence switchover" : "repmgr switchover")
                    + " ->" + target.name(), repmgrMillis, txErrors, txLongest, sessErrors, sessLongest);
        }
    }
}
