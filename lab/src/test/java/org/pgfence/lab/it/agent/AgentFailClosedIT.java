package org.pgfence.lab.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.pgfence.lab.it.agent.AgentStage.hostPort;
import static org.pgfence.lab.it.agent.AgentStage.rw;
import static org.pgfence.lab.it.agent.AgentStage.serverOf;
import static org.pgfence.lab.it.agent.AgentStage.serverVia;
import static org.pgfence.lab.it.agent.AgentStage.target;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.events.AckStatus;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.NodeState;
import org.pgfence.lab.Sql;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * Fail closed on a real split brain, made deterministically with repmgrd stopped and {@code pg_promote()}:
 * node2 becomes writable on timeline 2 while node1 stays writable on timeline 1 and node2's own metadata
 * still calls it a standby (no verifiable primary); later node3 is promoted too (two writers on the top
 * timeline). Every agent closes rw, cuts the sessions on node1, and re-opens once a primary is verified.
 * Then the apply latency is measured on real applies (see {@link #applyLatencyOverRealApplies}). Last, the primary
 * is restarted while its repmgrd is stopped and must keep rw.
 */
@ExtendWith(LabExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class AgentFailClosedIT {
    /** Long, so that every change below is made by an event or by the fail-closed re-check, not the timer. */
    private static final Duration RECONCILE = Duration.ofSeconds(30);
    private static final int LATENCY_EVENTS = 16;
    private AgentStage stage;
    private Lab lab;
    private LabNode node1;
    private LabNode node2;

    @BeforeAll
    void startAgents(Lab lab) {
        this.lab = lab;
        node1 = lab.node(1);
        node2 = lab.node(2);
        stage = AgentStage.start(lab, "agent-closed-" + UUID.randomUUID().toString().substring(0, 8), RECONCILE,
                lab.pgbouncers());
    }

    @AfterAll
    void stopAgents() {
        if (stage != null) {
            stage.close();
        }
    }

    @Test
    @Order(1)
    void everyAgentRoutesRwToNode1OnStart() {
        for (LabPgbouncer pgb : lab.pgbouncers()) {
            assertThat(rw(stage.awaitStartAck(pgb))).as(pgb.host()).isEqualTo("node1");
            assertThat(target(pgb)).isEqualTo(hostPort(node1));
        }
    }

    @Test
    @Order(2)
    void aWriterTheMetadataDoesNotCallPrimaryFencesRwClosedAndCutsSessionsOnTheOldPrimary() throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            for (LabPgbouncer pgb : lab.pgbouncers()) {
                Connection c = AgentStage.session(pgb);
                held.add(c);
                assertThat(serverOf(c)).isEqualTo(node1.address());
            }
            lab.nodes().forEach(n -> lab.stopRepmgrd(n.id()));
            AgentStage.sql(node2, "postgres", "SELECT pg_promote()");
            NodeState promoted = lab.probe(2).orElseThrow();
            assertThat(promoted.inRecovery()).isFalse();
            assertThat(promoted.timeline()).isEqualTo(2);
            assertThat(lab.probe(1).orElseThrow().inRecovery()).as("node1 still writable").isFalse();

            MasterPromoted event = stage.announce(node2);
            for (int i = 0; i < held.size(); i++) {
                LabPgbouncer pgb = lab.pgbouncers().get(i);
                FencingAck ack = stage.ackFor(pgb, event);
                assertThat(ack.status()).as(pgb.host() + ": " + ack).isEqualTo(AckStatus.FENCED_CLOSED);
                assertThat(ack.error()).contains("node2").contains("not an active primary in its own repmgr.nodes");
                assertThat(rw(ack)).isEqualTo("disabled");
                assertThat(target(pgb)).as(pgb.host()).startsWith("/nonexistent/").endsWith(" disabled");
                Connection c = held.get(i);
                assertThatThrownBy(() -> serverOf(c)).as(pgb.host() + ": the session on node1 is cut")
                        .isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> serverVia(pgb)).as(pgb.host() + ": no new session gets through")
                        .isInstanceOf(SQLException.class);
            }
        } finally {
            for (Connection c : held) {
                closeQuietly(c);
            }
        }
    }

    @Test
    @Order(3)
    void rwReopensOnNode2AsSoonAsItsMetadataVerifiesItWhileNode1StaysWritable() throws Exception {
        AgentStage.setNode2Primary(node2, true);
        for (LabPgbouncer pgb : lab.pgbouncers()) {
            FencingAck reopened = await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(50))
                    .until(() -> stage.acks(pgb, a -> a.status() == AckStatus.APPLIED && "node2".equals(rw(a)))
                            .stream().findFirst(), java.util.Optional::isPresent).orElseThrow();
            assertThat(reopened.eventId()).as("re-opened by the agent's own re-check, no event").isNull();
            assertThat(target(pgb)).as(pgb.host()).isEqualTo(hostPort(node2));
            assertThat(serverVia(pgb)).isEqualTo(node2.address());
        }
        assertThat(lab.probe(1).orElseThrow().inRecovery()).as("node1 is still a writer, on timeline 1").isFalse();
    }

    /**
     * Not a timed assertion: prints event received → ack published over real applies (ini rewrite, RELOAD,
     * SHOW DATABASES verify, ENABLE/DISABLE, KILL + RESUME), made by toggling node2 between verified primary
     * and not-primary in its own metadata and announcing each change.
     */
    @Test
    @Order(4)
    void applyLatencyOverRealApplies() throws Exception {
        List<Latency.Apply> samples = stage.toggleNode2(node2, LATENCY_EVENTS, lab.pgbouncers());
        assertThat(samples).as("real applies").hasSizeGreaterThanOrEqualTo(20);
        Latency.printApplies(samples);
    }

    @Test
    @Order(5)
    void twoWritableNodesOnTheTopTimelineFailClosedUntilOneIsGone() throws Exception {
        AgentStage.sql(lab.node(3), "postgres", "SELECT pg_promote()");
        assertThat(lab.probe(3).orElseThrow().timeline()).as("node3 promoted from timeline 1 lands on 2 too")
                .isEqualTo(2);
        MasterPromoted event = stage.announce(node2);
        for (LabPgbouncer pgb : lab.pgbouncers()) {
            FencingAck ack = stage.ackFor(pgb, event);
            assertThat(ack.status()).as(pgb.host() + ": " + ack).isEqualTo(AckStatus.FENCED_CLOSED);
            assertThat(ack.error()).contains("node2").contains("node3");
            assertThat(target(pgb)).as(pgb.host()).endsWith(" disabled");
        }
        lab.stopNode(3);
        MasterPromoted after = stage.announce(node2);
        for (LabPgbouncer pgb : lab.pgbouncers()) {
            FencingAck ack = stage.awaitAck(pgb, a -> a.status() == AckStatus.APPLIED
                    && stage.acks(pgb).indexOf(a) > stage.acks(pgb).indexOf(stage.ackFor(pgb, event)));
            assertThat(rw(ack)).isEqualTo("node2");
            assertThat(stage.ackFor(pgb, after).status()).isIn(AckStatus.APPLIED, AckStatus.UNCHANGED);
            assertThat(target(pgb)).isEqualTo(hostPort(node2));
            assertThat(serverVia(pgb)).isEqualTo(node2.address());
        }
    }

    /**
     * repmgr knows a node's id only once a repmgrd has connected since the postmaster started: until then
     * {@code repmgr.get_local_node_id()} answers -1. A primary restarted while its repmgrd is stopped (maintenance, a
     * rejoin) must keep rw, not be fenced closed as "not an active primary in its own repmgr.nodes".
     */
    @Test
    @Order(6)
    void thePrimaryRestartedWhileItsRepmgrdIsStoppedKeepsRw() throws Exception {
        lab.stopNode(2);
        lab.startNode(2);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                Sql.one(node2.jdbcUrl("repmgr"), "postgres", "SELECT repmgr.get_local_node_id()").equals("-1"));
        MasterPromoted event = stage.announce(node2);
        for (LabPgbouncer pgb : lab.pgbouncers()) {
            FencingAck ack = stage.ackFor(pgb, event);
            assertThat(ack.status()).as(pgb.host() + ": " + ack).isIn(AckStatus.APPLIED, AckStatus.UNCHANGED);
            assertThat(rw(ack)).isEqualTo("node2");
            assertThat(target(pgb)).isEqualTo(hostPort(node2));
            assertThat(serverVia(pgb)).isEqualTo(node2.address());
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already cut
        }
    }
}
