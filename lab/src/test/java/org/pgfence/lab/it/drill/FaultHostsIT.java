package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.events.AckStatus;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.lab.CutOff;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.Sql;
import org.pgfence.lab.drill.Fencing;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * Fault-matrix rows about pgbouncer hosts, all during ONE real failover (node1 crashed, repmgrd promotes
 * node2), one fault per host:
 * <ul>
 *   <li>node1's agent cannot reach the new primary: a kernel rule drops its packets to node2:5432 (see
 *       {@link CutOff}); every other process, repmgr's replication included, still reaches node2;</li>
 *   <li>node2's pgbouncer is down;</li>
 *   <li>node3's agent is down.</li>
 * </ul>
 * The auditor runs without SSH remediation, so only the agents can complete the promotion.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class FaultHostsIT {
    private static Fencing fencing;
    private static CutOff cut;
    private static Instant crash;
    private static LabNode primary;
    private static Set<UUID> promotionEvents;

    @BeforeAll
    static void failoverWithOneFaultPerHost(Lab lab) {
        fencing = FaultKit.fencing(lab, "hosts", false).start(true, false);
        fencing.startAgentInGroup(lab.pgbouncer(1), CutOff.GROUP);
        fencing.startAgent(lab.pgbouncer(2));
        fencing.startAgent(lab.pgbouncer(3));
        assertThat(FaultKit.awaitAgentsUp(fencing, lab.node(1))).as("agents up, routing to node1").isTrue();
        cut = CutOff.from(CutOff.GROUP, lab.node(2));
        fencing.stopAgent(lab.pgbouncer(3));
        lab.stopPgbouncer(2);
        crash = Instant.now();
        lab.stopNode(1);
        primary = lab.awaitSinglePrimary(1, Duration.ofSeconds(30));
        assertThat(primary.id()).isEqualTo(2);
        assertThat(fencing.watch().await(FaultKit.FENCING, () -> !FaultKit.promotions(fencing, 2).isEmpty()))
                .as("master-promoted published").isTrue();
        promotionEvents = FaultKit.promotions(fencing, 2).stream().map(MasterPromoted::eventId).collect(Collectors.toSet());
    }

    /** Acks of {@code p} answering the promotion's event (not reconciles, which may predate the promotion). */
    private static List<FencingAck> answers(LabPgbouncer p, AckStatus status) {
        return FaultKit.acks(fencing, p).stream().filter(a -> a.status() == status && promotionEvents.contains(a.eventId()))
                .toList();
    }

    @AfterAll
    static void stop(Lab lab) {
        if (cut != null) {
            cut.close();
        }
        if (fencing != null) {
            fencing.close();
        }
    }

    @Test
    @Order(1)
    void hostThatCannotReachTheNewPrimaryFailsClosed(Lab lab) {
        LabPgbouncer pgb1 = lab.pgbouncer(1);
        assertThat(fencing.watch().await(FaultKit.FENCING, () -> !answers(pgb1, AckStatus.FENCED_CLOSED).isEmpty()))
                .as("node1 answers the promotion FENCED_CLOSED").isTrue();
        assertThat(fencing.awaitTrue(Duration.ofSeconds(10), () -> Fencing.target(pgb1, "appdb-rw").contains("/nonexistent")))
                .as("appdb-rw on node1's pgbouncer routes nowhere: " + Fencing.target(pgb1, "appdb-rw")).isTrue();
        assertThat(Fencing.target(pgb1, "appdb-rw")).endsWith("disabled");
        assertThatThrownBy(() -> Sql.exec(pgb1.jdbcUrl("appdb-rw", "app"), "app", "INSERT INTO t(note, via) VALUES ('x', 'node1')"))
                .isInstanceOf(SQLException.class);
        assertThat(FaultKit.goodAcks(fencing, pgb1, 2, crash)).as("no good ack while cut off").isEmpty();
    }

    @Test
    @Order(2)
    void agentRetriesWhilePgbouncerIsDownAndTheStartedPgbouncerReadsTheNewIni(Lab lab) {
        LabPgbouncer pgb2 = lab.pgbouncer(2);
        assertThat(fencing.watch().await(FaultKit.FENCING, () -> !answers(pgb2, AckStatus.FAILED).isEmpty()))
                .as("node2's agent answers the promotion FAILED").isTrue();
        Instant answered = answers(pgb2, AckStatus.FAILED).get(0).timings().completedAt();
        assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, pgb2).stream()
                .anyMatch(a -> a.status() == AckStatus.FAILED && a.timings().receivedAt().isAfter(answered))))
                .as("and retries").isTrue();
        assertThat(fencing.awaitTrue(Duration.ofSeconds(10), () -> FaultKit.ini(pgb2).contains("appdb-rw = host="
                + primary.address() + " "))).as("the file is written for the pgbouncer that comes back:\n"
                + FaultKit.ini(pgb2)).isTrue();
        assertThat(FaultKit.goodAcks(fencing, pgb2, 2, crash)).isEmpty();
        lab.startPgbouncer(2);
        assertThat(fencing.awaitTrue(Duration.ofSeconds(15), () -> !Fencing.target(pgb2, "appdb-rw").equals("unreachable")))
                .as("pgbouncer answers after its start").isTrue();
        assertThat(Fencing.target(pgb2, "appdb-rw")).as("its first answer: read from the new ini at start")
                .isEqualTo(FaultKit.rw(primary));
        assertThat(fencing.watch().await(FaultKit.FENCING, () -> !FaultKit.goodAcks(fencing, pgb2, 2, crash).isEmpty()))
                .as("the ack arrives").isTrue();
    }

    @Test
    @Order(3)
    void agentDownDuringTheFailoverConvergesOnStartAndTheAuditShowsItLate(Lab lab) {
        LabPgbouncer pgb3 = lab.pgbouncer(3);
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> FaultKit.auditHost(FaultKit.audit(fencing), 2, pgb3.host())
                .path("state").asText().equals("OVERDUE"))).as("audit: node3 overdue while its agent is down\n"
                + fencing.auditStatus("--cluster", FaultKit.CLUSTER).out()).isTrue();
        assertThat(Fencing.target(pgb3, "appdb-rw")).isEqualTo(FaultKit.rw(lab.node(1)));
        fencing.startAgent(pgb3);
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> Fencing.target(pgb3, "appdb-rw").equals(FaultKit.rw(primary))))
                .as("node3 converges on start").isTrue();
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> FaultKit.auditHost(FaultKit.audit(fencing), 2, pgb3.host())
                .path("state").asText().equals("ACKED"))).isTrue();
        JsonNode h = FaultKit.auditHost(FaultKit.audit(fencing), 2, pgb3.host());
        assertThat(h.path("overdueSince").isNull()).as("marked overdue: " + h).isFalse();
        assertThat(h.path("ackedAfterMs").asLong()).as("late: after the 5 s deadline").isGreaterThan(5000);
        assertThat(h.path("remediated").asBoolean()).isFalse();
    }

    @Test
    @Order(4)
    void cutOffHostReopensWhenThePrimaryIsReachableAndTheAuditCompletes(Lab lab) throws Exception {
        LabPgbouncer pgb1 = lab.pgbouncer(1);
        assertThat(FaultKit.auditComplete(FaultKit.audit(fencing), 2)).as("incomplete while node1 is fenced closed").isFalse();
        cut.close();
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> Fencing.target(pgb1, "appdb-rw").equals(FaultKit.rw(primary))))
                .as("node1's pgbouncer re-opens to node2").isTrue();
        Sql.exec(pgb1.jdbcUrl("appdb-rw", "app"), "app", "INSERT INTO t(note, via) VALUES ('reopened', 'node1')");
        assertThat(fencing.watch().await(FaultKit.FENCING, () -> !FaultKit.goodAcks(fencing, pgb1, 2, crash).isEmpty())).isTrue();
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> fencing.auditStatus("--cluster", FaultKit.CLUSTER).complete()))
                .as("audit complete:\n" + fencing.auditStatus("--cluster", FaultKit.CLUSTER).out()).isTrue();
        assertThat(lab.pgbouncers()).allSatisfy(p -> assertThat(Fencing.target(p, "appdb-rw")).isEqualTo(FaultKit.rw(primary)));
        assertThat(List.of(1, 2, 3)).allSatisfy(i -> assertThat(fencing.agentRunning(lab.pgbouncer(i))).isTrue());
    }
}
