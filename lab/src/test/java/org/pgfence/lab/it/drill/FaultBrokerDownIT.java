package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.events.MasterPromoted;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabOptions;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.drill.Fencing;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * Fault-matrix row "broker down during the failover": the lab has its own broker (a child JVM at the lab's
 * hub address), stopped before node1 is crashed and started again, at the same address on the same data,
 * after the promotion. {@code pgfence promote} spools the event; {@code pgfence spool flush} (run by the
 * drill's spool flusher, as a deployment's timer) delivers it once the broker is back, and fencing completes.
 */
@ExtendWith(LabExtension.class)
@LabOptions(ownBroker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class FaultBrokerDownIT {
    private static Fencing fencing;

    @BeforeAll
    static void start(Lab lab) {
        fencing = FaultKit.fencing(lab, "broker", false).start(true);
        assertThat(FaultKit.awaitAgentsUp(fencing, lab.node(1))).as("agents up, routing to node1").isTrue();
    }

    @AfterAll
    static void stop() {
        if (fencing != null) {
            fencing.close();
        }
    }

    @Test
    @Order(1)
    void eventIsSpooledWhileTheBrokerIsDownDeliveredAfterItsRestartAndFencingCompletes(Lab lab) throws Exception {
        lab.stopBroker();
        Instant crash = Instant.now();
        lab.stopNode(1);
        LabNode primary = lab.awaitSinglePrimary(1, Duration.ofSeconds(30));
        Path spool = fencing.configs().spoolDir(primary.id());
        assertThat(fencing.awaitTrue(Duration.ofSeconds(60), () -> !spooled(spool).isEmpty()))
                .as("pgfence promote spooled the event in " + spool).isTrue();
        assertThat(fencing.awaitRouted("appdb-rw", primary, FaultKit.FENCING))
                .as("the agents' timer reconcile fences without Kafka (rule 5)").isTrue();
        assertThat(FaultKit.promotions(fencing, 2)).as("nothing published while the broker is down").isEmpty();

        lab.startBroker();
        // the drill's spool flusher runs `pgfence spool flush` on each node with a spooled event, as a timer would
        assertThat(fencing.awaitTrue(Duration.ofSeconds(90), () -> spooled(spool).isEmpty()))
                .as("the spool is flushed once the broker is back").isTrue();
        assertThat(fencing.watch().await(FaultKit.FENCING, () -> !FaultKit.promotions(fencing, 2).isEmpty()))
                .as("the spooled master-promoted is delivered").isTrue();
        MasterPromoted event = FaultKit.promotions(fencing, 2).get(0);
        assertThat(event.newPrimary().name()).isEqualTo(primary.name());
        assertThat(event.occurredAt()).isAfter(crash);
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(fencing.watch().await(FaultKit.FENCING, () -> !FaultKit.goodAcks(fencing, p, 2, crash).isEmpty()))
                    .as(p.host() + " good ack at timeline 2 reaches Kafka").isTrue();
        }
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> fencing.auditStatus("--cluster", FaultKit.CLUSTER).complete()))
                .as("audit complete:\n" + fencing.auditStatus("--cluster", FaultKit.CLUSTER).out()).isTrue();
        // the status's exit 0 speaks of the latest promotion the auditor has ingested: wait for this one
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> FaultKit.auditComplete(FaultKit.audit(fencing), 2)))
                .as(() -> "the promotion at timeline 2 complete:\n" + fencing.auditStatus("--cluster", FaultKit.CLUSTER).out())
                .isTrue();
    }

    /**
     * An agent started while the broker is down guards its pgbouncer at once (DESIGN rule 5: reconcile on start),
     * before anything that waits for Kafka. Found by the campaign (seed 2026120309, step 133): agents restarted with
     * the broker stopped read the promotions topic for their epoch floor first, up to 2 x applyTimeout (20 s), and
     * their pgbouncers kept routing to an old primary that came back writable in that time.
     */
    @Test
    @Order(2)
    void anAgentStartedWhileTheBrokerIsDownReconcilesBeforeItWaitsForKafka(Lab lab) throws Exception {
        LabNode old = lab.currentPrimary().orElseThrow(); // node2, from the test before
        LabNode next = lab.nodes().stream().filter(n -> n.id() != old.id() && lab.probe(n.id()).isPresent())
                .findFirst().orElseThrow();
        LabPgbouncer pgb = lab.pgbouncer(next.id());
        assertThat(fencing.awaitRouted("appdb-rw", old, FaultKit.FENCING)).as("every pgbouncer on " + old.name()).isTrue();
        fencing.stopAgent(pgb); // keeps its state: the floor it knew
        lab.stopBroker();
        for (LabNode n : List.of(old, next)) {
            lab.stopRepmgrd(n.id());
        }
        lab.stopNode(old.id());
        lab.promoteByHand(next.id());
        lab.startNode(old.id()); // back writable on the timeline below: where this pgbouncer still routes
        assertThat(Fencing.target(pgb, "appdb-rw")).isEqualTo(old.address() + ":5432");

        Instant started = Instant.now();
        fencing.startAgent(pgb);
        String want = next.address() + ":5432";
        boolean moved = fencing.awaitTrue(Duration.ofSeconds(10), () -> Fencing.target(pgb, "appdb-rw").equals(want));
        assertThat(moved).as("%s routes appdb-rw to %s within 10 s of its agent's start with the broker down"
                + " (after %d ms it routes to %s)", pgb.host(), want,
                Duration.between(started, Instant.now()).toMillis(), Fencing.target(pgb, "appdb-rw")).isTrue();
    }

    private static List<Path> spooled(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
