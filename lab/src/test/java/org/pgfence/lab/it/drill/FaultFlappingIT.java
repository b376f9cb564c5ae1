package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.events.MasterPromoted;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.drill.Fencing;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * Fault-matrix row "flapping": three promotions back to back through {@code repmgr standby switchover}
 * (node2, node3, then node1 again; each fenced through {@code pgfence notify}), without waiting for
 * fencing in between. In the end every pgbouncer routes to the last primary at the last timeline, and every
 * promotion is audited complete with an ack recorded for every host.
 */
@ExtendWith(LabExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class FaultFlappingIT {
    private static Fencing fencing;

    @BeforeAll
    static void start(Lab lab) {
        fencing = FaultKit.fencing(lab, "flapping", false).start(true);
        assertThat(FaultKit.awaitAgentsUp(fencing, lab.node(1))).as("agents up, routing to node1").isTrue();
    }

    @AfterAll
    static void stop() {
        if (fencing != null) {
            fencing.close();
        }
    }

    @Test
    void backToBackSwitchoversEndWithTheRightRoutingEverywhereAndEveryPromotionAuditedPerHost(Lab lab) throws Exception {
        Instant start = Instant.now();
        for (int id : List.of(2, 3, 1)) {
            lab.switchover(id);
        }
        LabNode last = lab.node(1);
        assertThat(lab.currentPrimary()).hasValue(last);
        int timeline = lab.probe(1).orElseThrow().timeline();
        assertThat(timeline).as("three promotions").isEqualTo(4);
        assertThat(fencing.watch().await(FaultKit.FENCING, () -> List.of(2, 3, 4).stream()
                .allMatch(t -> !FaultKit.promotions(fencing, t).isEmpty()))).as("an event per promotion: "
                + fencing.watch().events(MasterPromoted.class, m -> true)).isTrue();
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(fencing.watch().await(FaultKit.FENCING, () -> !FaultKit.goodAcks(fencing, p, timeline, start).isEmpty()))
                    .as(p.host() + " good ack at timeline " + timeline).isTrue();
        }
        assertThat(fencing.awaitRouted("appdb-rw", last, Duration.ofSeconds(10))).as("final routing to node1").isTrue();
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(FaultKit.metric(FaultKit.metrics(p), "pgfence_agent_last_epoch{cluster=\"lab\"}"))
                    .isEqualTo((double) timeline);
        }
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> fencing.auditStatus("--cluster", FaultKit.CLUSTER).complete()))
                .as("audit complete:\n" + fencing.auditStatus("--cluster", FaultKit.CLUSTER).out()).isTrue();
        // the auditor's verdict per promotion and host (the store keeps the best ack per promotion and host)
        for (int t : List.of(2, 3, 4)) {
            assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> FaultKit.auditComplete(FaultKit.audit(fencing), t)))
                    .as("promotion at timeline " + t + " audited complete:\n"
                            + fencing.auditStatus("--cluster", FaultKit.CLUSTER).out()).isTrue();
            JsonNode doc = FaultKit.audit(fencing);
            for (LabPgbouncer p : lab.pgbouncers()) {
                assertThat(FaultKit.auditHost(doc, t, p.host()).path("state").asText()).as(p.host() + " at timeline " + t)
                        .isEqualTo("ACKED");
            }
        }
    }
}
