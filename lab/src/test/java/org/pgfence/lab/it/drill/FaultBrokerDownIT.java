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
import org.junit.jupiter.api.Test;
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
        assertThat(FaultKit.auditComplete(FaultKit.audit(fencing), 2)).isTrue();
    }

    private static List<Path> spooled(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
