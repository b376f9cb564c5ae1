package org.pgfence.lab.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.pgfence.lab.it.agent.AgentStage.hostPort;
import static org.pgfence.lab.it.agent.AgentStage.routed;
import static org.pgfence.lab.it.agent.AgentStage.rw;
import static org.pgfence.lab.it.agent.AgentStage.serverOf;
import static org.pgfence.lab.it.agent.AgentStage.serverVia;
import static org.pgfence.lab.it.agent.AgentStage.target;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.events.AckStatus;
import org.pgfence.events.Epoch;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabOptions;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.NodeState;
import org.pgfence.lab.drill.Fencing;

/**
 * Issue 4 on the real lab, one story on one lab: a crash of node1 moves every pgbouncer to node2; a late
 * agent converges on start; node1 restarted as a stale primary never gets rw back; SIGHUP reconciles at
 * once and KILL cuts a session on the (still running) old primary; replays change nothing. Agents run
 * on the three node hosts; pgb4's agent (ro policy standby) only starts after the failover.
 */
@ExtendWith(LabExtension.class)
@LabOptions(extraPgbouncers = 1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class AgentFailoverIT {
    private static final Duration RECONCILE = Duration.ofSeconds(3);
    private AgentStage stage;
    private Lab lab;
    private LabNode node1;
    private LabNode node2;
    private MasterPromoted failoverEvent;

    @BeforeAll
    void startAgents(Lab lab) {
        this.lab = lab;
        node1 = lab.node(1);
        node2 = lab.node(2);
        stage = AgentStage.start(lab, "agent-failover-" + UUID.randomUUID().toString().substring(0, 8), RECONCILE,
                lab.pgbouncers().subList(0, 3));
    }

    @AfterAll
    void stopAgents() {
        if (stage != null) {
            stage.close();
        }
    }

    private List<LabPgbouncer> nodeHosts() {
        return lab.pgbouncers().subList(0, 3);
    }

    @Test
    @Order(1)
    void everyAgentRoutesRwToTheInitialPrimaryOnStart() {
        for (LabPgbouncer pgb : nodeHosts()) {
            FencingAck ack = stage.awaitStartAck(pgb);
            assertThat(ack.status()).as(pgb.host()).isIn(AckStatus.APPLIED, AckStatus.UNCHANGED);
            assertThat(rw(ack)).as(pgb.host()).isEqualTo("node1");
            assertThat(ack.epoch().timeline()).isEqualTo(1);
            assertThat(target(pgb)).as(pgb.host()).isEqualTo(hostPort(node1));
        }
    }

    @Test
    @Order(2)
    void afterNode1IsKilledEveryAgentAcksAppliedAndEveryPgbouncerRoutesToNode2() throws Exception {
        lab.stopNode(1);
        LabNode promoted = lab.awaitSinglePrimary(1, Duration.ofSeconds(30));
        assertThat(promoted.name()).isEqualTo("node2");
        // as pgfence promote does: publish once `repmgr standby promote` is done, i.e. node2's own metadata
        // names it primary (before that an agent rightly finds no verifiable primary and fences closed)
        await().atMost(Duration.ofSeconds(15)).until(() -> stage.activePrimaryPerOwnMetadata(node2));
        failoverEvent = stage.announce(node2);

        for (LabPgbouncer pgb : nodeHosts()) {
            FencingAck answer = stage.ackFor(pgb, failoverEvent);
            assertThat(answer.status()).as(pgb.host() + " answer to the event: " + answer).isIn(AckStatus.APPLIED, AckStatus.UNCHANGED);
            assertThat(rw(answer)).as(pgb.host()).isEqualTo("node2");
            assertThat(answer.epoch()).isEqualTo(failoverEvent.epoch());
            // whichever trigger got there first (event or timer), the move itself was an APPLIED ack
            FencingAck applied = stage.awaitAck(pgb, a -> a.status() == AckStatus.APPLIED && routed(a, "appdb-rw", "node2"));
            assertThat(applied.epoch().timeline()).isEqualTo(2);
            assertThat(target(pgb)).as(pgb.host() + " SHOW DATABASES").isEqualTo(hostPort(node2));
            assertThat(serverVia(pgb)).as("a new session through " + pgb.host()).isEqualTo(node2.address());
        }
        System.out.printf("failover event acks: %s%n", nodeHosts().stream()
                .map(p -> p.host() + "=" + stage.ackFor(p, failoverEvent).status()).toList());
    }

    @Test
    @Order(3)
    void anAgentStartedAfterTheFailoverConvergesOnStart() throws Exception {
        LabPgbouncer pgb4 = lab.pgbouncer(4);
        assertThat(target(pgb4)).as("pgb4 before its agent runs").isEqualTo(hostPort(node1));
        stage.startAgent(pgb4);
        FencingAck first = stage.awaitAck(pgb4, a -> true, AgentStage.START_WAIT);
        assertThat(first.status()).isEqualTo(AckStatus.APPLIED);
        assertThat(rw(first)).isEqualTo("node2");
        assertThat(routed(first, "appdb-ro", "node3")).as("ro policy standby: node3 streams on the top timeline")
                .isTrue();
        assertThat(target(pgb4)).isEqualTo(hostPort(node2));
        assertThat(serverVia(pgb4)).isEqualTo(node2.address());
        // the late agent also reads the promotion it missed, from its own group's earliest offset
        FencingAck missed = stage.ackFor(pgb4, failoverEvent);
        assertThat(missed.status()).isIn(AckStatus.UNCHANGED, AckStatus.APPLIED);
        assertThat(rw(missed)).isEqualTo("node2");
    }

    @Test
    @Order(4)
    void node1RestartedAsAStalePrimaryNeverGetsRwBack() throws Exception {
        lab.startNode(1);
        NodeState stale = lab.probe(1).orElseThrow();
        assertThat(stale.inRecovery()).as("node1 is back as a writable stale primary").isFalse();
        assertThat(stale.timeline()).isEqualTo(1);
        Map<String, Integer> before = new HashMap<>();
        lab.pgbouncers().forEach(p -> before.put(p.host(), stage.acks(p).size()));

        // two full reconcile rounds on every host after node1 answers as primary, waited for by ack counts
        await().atMost(RECONCILE.multipliedBy(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                lab.pgbouncers().stream().allMatch(p -> stage.acks(p).size() >= before.get(p.host()) + 2));
        for (LabPgbouncer pgb : lab.pgbouncers()) {
            List<FencingAck> since = stage.acks(pgb).subList(before.get(pgb.host()), stage.acks(pgb).size());
            assertThat(since).as(pgb.host()).allSatisfy(a -> {
                assertThat(rw(a)).isEqualTo("node2");
                assertThat(a.status()).isIn(AckStatus.UNCHANGED, AckStatus.APPLIED);
            });
            assertThat(target(pgb)).as(pgb.host()).isEqualTo(hostPort(node2));
            assertThat(serverVia(pgb)).as("a new session through " + pgb.host()).isEqualTo(node2.address());
        }
        assertThat(lab.probe(1).orElseThrow().inRecovery()).as("node1 still a writable stale primary").isFalse();
    }

    @Test
    @Order(5)
    void sighupReconcilesAtOnceAndKillCutsASessionLeftOnTheRunningOldPrimary() throws Exception {
        LabPgbouncer pgb1 = lab.pgbouncer(1);
        // an agent whose timer would not fire during this test: only SIGHUP can make it act
        Set<String> oldAgents = stage.acks(pgb1).stream().map(FencingAck::agentId).collect(Collectors.toSet());
        Process agent = stage.startAgent(pgb1, stage.agentConfigWithReconcile(pgb1, "10m"));
        FencingAck onStart = stage.awaitAck(pgb1, a -> !oldAgents.contains(a.agentId()) && a.eventId() == null,
                AgentStage.START_WAIT);
        String restarted = onStart.agentId();
        assertThat(rw(onStart)).isEqualTo("node2");
        // and the one after its floor read, which runs beside the loop and decides again when done (9d6d1a9): a
        // drift made before it would be repaired by it, not by SIGHUP (fresh14: the test saw that repair, no SIGHUP)
        int onStartAt = stage.acks(pgb1).indexOf(onStart);
        stage.awaitAck(pgb1, a -> a.agentId().equals(restarted) && a.eventId() == null
                && stage.acks(pgb1).indexOf(a) > onStartAt, AgentStage.START_WAIT);

        // drift: someone points pgb1's appdb-rw back at node1 (up, writable, stale) and reloads
        String good = Files.readString(pgb1.databaseIni());
        String drifted = good.replace("host=" + node2.address() + " ", "host=" + node1.address() + " ");
        assertThat(drifted).isNotEqualTo(good);
        Files.writeString(pgb1.databaseIni(), drifted);
        org.pgfence.lab.PgbouncerFleet.admin(pgb1, "RELOAD");
        assertThat(target(pgb1)).isEqualTo(hostPort(node1));
        try (Connection onOldPrimary = AgentStage.session(pgb1)) {
            assertThat(serverOf(onOldPrimary)).as("the drift is real: a session lands on node1")
                    .isEqualTo(node1.address());
            int acksBefore = stage.acks(pgb1).size();

            AgentStage.signal(agent, "HUP");

            FencingAck repaired = stage.awaitAck(pgb1, a -> a.agentId().equals(restarted)
                    && stage.acks(pgb1).indexOf(a) >= acksBefore);
            assertThat(repaired.status()).isEqualTo(AckStatus.APPLIED);
            assertThat(rw(repaired)).isEqualTo("node2");
            assertThat(target(pgb1)).isEqualTo(hostPort(node2));
            assertThatThrownBy(() -> serverOf(onOldPrimary)).as("KILL cut the session on node1")
                    .isInstanceOf(SQLException.class);
        }
        assertThat(serverVia(pgb1)).isEqualTo(node2.address());
        assertThat(agent.isAlive()).as("SIGHUP does not stop the agent (the JVM's default would)").isTrue();
        assertThat(stage.logText(pgb1)).contains("reconcile requested (SIGHUP)");
        stage.startAgent(pgb1); // back to the class's reconcile interval
    }

    @Test
    @Order(6)
    void replayingAnOldEventChangesNothing() {
        Map<String, byte[]> before = new HashMap<>();
        lab.pgbouncers().forEach(p -> before.put(p.host(), AgentStage.iniBytes(p)));
        MasterPromoted duplicate = stage.publish(new MasterPromoted(failoverEvent.schemaVersion(), UUID.randomUUID(),
                failoverEvent.cluster(), failoverEvent.occurredAt(), failoverEvent.sourceHost(), failoverEvent.trigger(),
                failoverEvent.repmgrEvent(), failoverEvent.newPrimary(), failoverEvent.formerPrimary(),
                failoverEvent.epoch()));
        Epoch old = new Epoch(1, failoverEvent.epoch().systemIdentifier());
        MasterPromoted stale = stage.announce(node1, old);
        for (LabPgbouncer pgb : lab.pgbouncers()) {
            assertThat(stage.ackFor(pgb, duplicate).status()).as(pgb.host() + " duplicate").isEqualTo(AckStatus.UNCHANGED);
            FencingAck rejected = stage.ackFor(pgb, stale);
            assertThat(rejected.status()).as(pgb.host() + " epoch 1").isEqualTo(AckStatus.REJECTED_STALE);
            assertThat(rejected.epoch().timeline()).as("the ack names the applied epoch").isEqualTo(2);
            assertThat(AgentStage.iniBytes(pgb)).as(pgb.host() + " ini bytes").isEqualTo(before.get(pgb.host()));
            assertThat(target(pgb)).isEqualTo(hostPort(node2));
        }
    }

    @Test
    @Order(7)
    void aNodeRowCarryingIniSyntaxNeverReachesAnIniAndTheAgentSaysWhatItRefused() throws Exception {
        LabNode node3 = lab.node(3);
        Map<String, Integer> before = ackCounts();
        AgentStage.sql(node2, "repmgr",
                "UPDATE repmgr.nodes SET node_name = E'node3\\n%include /etc/passwd' WHERE node_id = 3");
        AgentStage.sql(node2, "repmgr", "UPDATE repmgr.nodes SET conninfo = E'host=''" + node1.address()
                + "\\n%include /etc/passwd'' port=5432 user=repmgr dbname=repmgr' WHERE node_id = 1");
        try {
            awaitTwoMoreAcksEverywhere(before);
            for (LabPgbouncer pgb : lab.pgbouncers()) {
                String ini = Files.readString(pgb.databaseIni());
                assertThat(ini).as(pgb.host()).doesNotContain("%include").doesNotContain("passwd");
                assertThat(ini.lines().filter(l -> !l.isBlank() && !l.startsWith(";")))
                        .as(pgb.host() + " every line is a section or a clean entry")
                        .allMatch(l -> l.equals("[databases]") || l.matches("[A-Za-z0-9_.-]+ = [A-Za-z0-9_.,:/@+= -]+"));
                assertThat(target(pgb)).isEqualTo(hostPort(node2));
                String log = stage.logText(pgb);
                assertThat(log).as(pgb.host() + " log names node 3 and the field")
                        .containsPattern("node 3 \\(node3\\?%include /etc/passwd\\) field node_name");
                assertThat(log).as(pgb.host() + " log names node 1 and the field").containsPattern("node 1 .*field conninfo");
            }
            FencingAck pgb3 = stage.acks(lab.pgbouncer(3)).get(stage.acks(lab.pgbouncer(3)).size() - 1);
            assertThat(routed(pgb3, "appdb-ro", "node2")).as("pgb3's local node is refused: ro falls back to the primary")
                    .isTrue();
        } finally {
            AgentStage.sql(node2, "repmgr", "UPDATE repmgr.nodes SET node_name = 'node3' WHERE node_id = 3");
            AgentStage.sql(node2, "repmgr", "UPDATE repmgr.nodes SET conninfo = '" + node1.conninfo() + "' WHERE node_id = 1");
        }
        int restored = stage.acks(lab.pgbouncer(3)).size();
        stage.awaitAck(lab.pgbouncer(3), a -> stage.acks(lab.pgbouncer(3)).indexOf(a) >= restored
                && routed(a, "appdb-ro", "node3"));
        assertThat(Fencing.target(lab.pgbouncer(3), "appdb-ro")).isEqualTo(hostPort(node3));
    }

    @Test
    @Order(8)
    void anUnwritableIniDirectoryLeavesTheOldFileIntactAcksFailedAndConvergesOnceWritable() throws Exception {
        LabPgbouncer pgb2 = lab.pgbouncer(2);
        Path ini = pgb2.databaseIni();
        String handEdited = Files.readString(ini).replace("host=" + node2.address() + " ", "host=" + lab.node(3).address() + " ");
        assertThat(handEdited).isNotEqualTo(Files.readString(ini));
        int acksBefore = stage.acks(pgb2).size();
        chmod("555", pgb2.dir());
        try {
            Files.writeString(ini, handEdited); // root may; the agent (postgres) must now rewrite it and cannot
            FencingAck failed = stage.awaitAck(pgb2, a -> stage.acks(pgb2).indexOf(a) >= acksBefore
                    && a.status() == AckStatus.FAILED);
            assertThat(failed.error()).contains(ini.toString());
            assertThat(Files.readString(ini)).as("the old file is intact").isEqualTo(handEdited);
            try (var files = Files.list(pgb2.dir())) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }
            assertThat(target(pgb2)).as("pgbouncer keeps serving what it loaded").isEqualTo(hostPort(node2));
        } finally {
            chmod("755", pgb2.dir());
        }
        int acksAfterFailure = stage.acks(pgb2).size();
        FencingAck healed = stage.awaitAck(pgb2, a -> stage.acks(pgb2).indexOf(a) >= acksAfterFailure
                && a.status() == AckStatus.APPLIED);
        assertThat(rw(healed)).isEqualTo("node2");
        assertThat(Files.readString(ini)).doesNotContain("host=" + lab.node(3).address() + " ");
        assertThat(Files.readString(ini)).contains("appdb-rw = host=" + node2.address() + " ");
        assertThat(Files.getOwner(ini).getName()).isEqualTo("postgres");
        assertThat(target(pgb2)).isEqualTo(hostPort(node2));
    }

    private Map<String, Integer> ackCounts() {
        Map<String, Integer> counts = new HashMap<>();
        lab.pgbouncers().forEach(p -> counts.put(p.host(), stage.acks(p).size()));
        return counts;
    }

    private void awaitTwoMoreAcksEverywhere(Map<String, Integer> before) {
        await().atMost(RECONCILE.multipliedBy(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                lab.pgbouncers().stream().allMatch(p -> stage.acks(p).size() >= before.get(p.host()) + 2));
    }

    private static void chmod(String mode, Path dir) throws Exception {
        Process p = new ProcessBuilder("chmod", mode, dir.toString()).inheritIO().start();
        assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0).as("chmod " + mode).isTrue();
    }
}
