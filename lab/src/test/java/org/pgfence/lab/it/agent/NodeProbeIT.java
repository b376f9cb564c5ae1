package org.pgfence.lab.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.consumer.config.ClusterConfig;
import org.pgfence.consumer.config.SeedNode;
import org.pgfence.consumer.decision.ClusterPlan;
import org.pgfence.consumer.decision.Decider;
import org.pgfence.consumer.decision.DecisionInput;
import org.pgfence.consumer.discovery.Address;
import org.pgfence.consumer.discovery.JdbcNodeProbe;
import org.pgfence.consumer.discovery.NodeObservation;
import org.pgfence.consumer.discovery.TimelineSource;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The agent's node probe on real nodes, for the one reading that used to cost a connection per switchover: the
 * timeline of a standby whose WAL receiver is down. With repmgrd stopped, node3's receiver is switched off by
 * hand ({@code primary_conninfo = ''}), so "down" holds for as long as the test needs, on timeline 1 and, after
 * node2 is promoted and node3 has streamed from it, on timeline 2. Each time the probe must read it from the WAL
 * directory and agree with IDENTIFY_SYSTEM asked directly; a user without {@code pg_monitor} must still get the
 * right timeline, through IDENTIFY_SYSTEM. Last, a primary restarted while its repmgrd is stopped, for which
 * {@code repmgr.get_local_node_id()} answers -1, must still find its own row (by its conninfo) and claim primary.
 * And a cluster with {@code keepConnections: false} leaves no connection behind its probe, and a node with no slot
 * left for the agent's role (its CONNECTION LIMIT) is asked again after a pause rather than reported unreachable.
 */
@ExtendWith(LabExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class NodeProbeIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PLAIN_ROLE = "probe_plain";
    private static final String LIMITED_ROLE = "probe_limited";
    private final JdbcNodeProbe probe = new JdbcNodeProbe();
    private final JdbcNodeProbe plainProbe = new JdbcNodeProbe();
    private Lab lab;
    private LabNode node2;
    private LabNode node3;

    @BeforeAll
    void stopRepmgrd(Lab lab) throws SQLException {
        this.lab = lab;
        node2 = lab.node(2);
        node3 = lab.node(3);
        for (LabNode n : lab.nodes()) {
            lab.stopRepmgrd(n.id()); // no automatic failover may undo what the tests set up
        }
        execute(lab.node(1), "repmgr", "CREATE ROLE " + PLAIN_ROLE + " LOGIN REPLICATION",
                "GRANT USAGE ON SCHEMA repmgr TO " + PLAIN_ROLE, "GRANT SELECT ON repmgr.nodes TO " + PLAIN_ROLE,
                "GRANT EXECUTE ON FUNCTION pg_control_system() TO " + PLAIN_ROLE,
                "GRANT EXECUTE ON FUNCTION pg_control_checkpoint() TO " + PLAIN_ROLE);
        execute(lab.node(1), "repmgr", "CREATE ROLE " + LIMITED_ROLE + " LOGIN CONNECTION LIMIT 1 IN ROLE pg_monitor",
                "GRANT USAGE ON SCHEMA repmgr TO " + LIMITED_ROLE, "GRANT SELECT ON repmgr.nodes TO " + LIMITED_ROLE);
        await().atMost(WAIT).until(() -> query(node3, "SELECT count(*) FROM pg_roles WHERE rolname IN ('"
                + PLAIN_ROLE + "', '" + LIMITED_ROLE + "')").equals("2"));
    }

    @AfterAll
    void close() {
        probe.close();
        plainProbe.close();
    }

    @Test
    @Order(1)
    void aStreamingStandbyIsReadFromItsWalReceiver() {
        NodeObservation o = probe.probe(cluster("repmgr"), address(node3));
        assertThat(o.error()).isNull();
        assertThat(o.timelineSource()).isEqualTo(TimelineSource.WAL_RECEIVER);
        assertThat(o.timeline()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aStandbyWithoutReceiverIsReadFromItsWalDirectoryAndAgreesWithIdentifySystem() throws SQLException {
        receiverOff(node3);
        NodeObservation o = probe.probe(cluster("repmgr"), address(node3));
        assertThat(o.timelineSource()).isEqualTo(TimelineSource.WAL_DIRECTORY);
        assertThat(o.timeline()).isEqualTo(identifySystem(node3)).isEqualTo(1);
        assertThat(o.timelineSource().exact()).as("not streaming: no read-only traffic").isFalse();
    }

    @Test
    @Order(3)
    void onTheNextTimelineToo() throws SQLException {
        execute(node2, "postgres", "SELECT pg_promote(true, 30)",
                "SELECT pg_create_physical_replication_slot('repmgr_slot_3')"); // node3's primary_slot_name
        execute(node3, "postgres", "ALTER SYSTEM SET primary_conninfo = 'host=" + node2.address() + " port="
                + node2.pgPort() + " user=repmgr application_name=node3'", "SELECT pg_reload_conf()");
        await().atMost(WAIT).untilAsserted(() -> {
            NodeObservation o = probe.probe(cluster("repmgr"), address(node3));
            assertThat(o.timelineSource()).isEqualTo(TimelineSource.WAL_RECEIVER);
            assertThat(o.timeline()).isEqualTo(2);
        });
        receiverOff(node3);
        NodeObservation o = probe.probe(cluster("repmgr"), address(node3));
        assertThat(o.timelineSource()).isEqualTo(TimelineSource.WAL_DIRECTORY);
        assertThat(o.timeline()).isEqualTo(identifySystem(node3)).isEqualTo(2);
    }

    @Test
    @Order(4)
    void aUserWithoutPgMonitorFallsBackToIdentifySystem() throws SQLException {
        assertThat(query(node3, "SELECT count(*) FROM pg_stat_wal_receiver")).isEqualTo("0");
        NodeObservation o = plainProbe.probe(cluster(PLAIN_ROLE), address(node3));
        assertThat(o.error()).isNull();
        assertThat(o.timelineSource()).isEqualTo(TimelineSource.IDENTIFY_SYSTEM);
        assertThat(o.timeline()).isEqualTo(2);
        assertThat(o.view()).as("repmgr.nodes as the plain user reads it").hasSize(3);
    }

    @Test
    @Order(5)
    void aPrimaryRestartedWhileItsRepmgrdIsStoppedStillFindsItselfAndClaimsPrimary() {
        LabNode node1 = lab.node(1);
        NodeObservation before = probe.probe(cluster("repmgr"), address(node1));
        assertThat(before.postmasterStart()).isNotNull();
        assertThat(probe.probe(cluster("repmgr"), address(node1)).sameServer(before)).as("probed twice").isTrue();
        lab.stopNode(1);
        lab.startNode(1);
        await().atMost(WAIT).ignoreExceptions()
                .until(() -> query(node1, "repmgr", "SELECT repmgr.get_local_node_id()").equals("-1"));
        NodeObservation o = probe.probe(cluster("repmgr"), address(node1));
        assertThat(o.error()).isNull();
        assertThat(o.inRecovery()).isFalse();
        assertThat(o.localNodeId()).as("repmgr's -1: unknown").isNull();
        assertThat(o.self()).map(r -> r.nodeId()).contains(1);
        assertThat(o.claimsPrimary()).as("found by its conninfo, its own row says active primary").isTrue();
        assertThat(o.sameServer(before)).as("a restarted postmaster is another server").isFalse();
        assertThat(o.postmasterStart()).isGreaterThan(before.postmasterStart());
    }

    @Test
    @Order(6)
    void aClusterThatKeepsNoConnectionLeavesNoneBehindItsProbe() throws SQLException {
        String agents = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgfence-agent'";
        int before = Integer.parseInt(query(node3, agents));
        ClusterConfig perProbe = new ClusterConfig("lab", List.of(new SeedNode(node3.address(), node3.pgPort())),
                "repmgr", "repmgr", null, Duration.ofSeconds(2), false);
        try (JdbcNodeProbe fresh = new JdbcNodeProbe()) {
            assertThat(fresh.probe(perProbe, address(node3)).error()).isNull();
            await().atMost(WAIT).until(() -> Integer.parseInt(query(node3, agents)) == before);
            assertThat(fresh.probe(cluster("repmgr"), address(node3)).error()).isNull();
            assertThat(Integer.parseInt(query(node3, agents))).as("kept: one more").isEqualTo(before + 1);
        }
    }

    @Test
    @Order(7)
    void aNodeWithNoSlotLeftForTheRoleIsAskedAgainAfterAPause() throws Exception {
        ClusterConfig limited = new ClusterConfig("lab", List.of(new SeedNode(node3.address(), node3.pgPort())),
                "repmgr", LIMITED_ROLE, null, Duration.ofSeconds(2), false);
        Properties asLimited = new Properties();
        asLimited.setProperty("user", LIMITED_ROLE);
        try (JdbcNodeProbe fresh = new JdbcNodeProbe();
             Connection held = DriverManager.getConnection(node3.jdbcUrl("repmgr"), asLimited)) {
            NodeObservation refused = fresh.probe(limited, address(node3));
            assertThat(refused.error()).as("the role's one slot taken all along").contains("53300");
            // what the agent then logs and acks: the operator must read the cause, not only "no node reachable"
            ClusterPlan plan = new Decider().decide(new DecisionInput("lab", List.of(refused), null, null, null,
                    List.of(), null));
            assertThat(plan.rw().reason()).as("fenced closed").contains("no node of cluster lab is reachable")
                    .contains(node3.address() + ":" + node3.pgPort()).contains("53300");
            Thread release = new Thread(() -> {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
                try {
                    held.close();
                } catch (SQLException ignored) {
                    // the probe's assertion tells
                }
            });
            long start = System.nanoTime();
            release.start();
            NodeObservation o = fresh.probe(limited, address(node3));
            assertThat(o.error()).as("asked again once the slot is free").isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            release.join();
        }
    }

    private void receiverOff(LabNode node) throws SQLException {
        execute(node, "postgres", "ALTER SYSTEM SET primary_conninfo = ''", "SELECT pg_reload_conf()");
        await().atMost(WAIT).until(() -> query(node, "SELECT count(*) FROM pg_stat_wal_receiver").equals("0"));
    }

    private ClusterConfig cluster(String user) {
        return new ClusterConfig("lab", List.of(new SeedNode(node3.address(), node3.pgPort())), "repmgr", user, null,
                Duration.ofSeconds(2));
    }

    private static Address address(LabNode node) {
        return new Address(node.address(), node.pgPort());
    }

    /** The oracle: IDENTIFY_SYSTEM asked directly, as the lab's superuser. */
    private static int identifySystem(LabNode node) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("replication", "database");
        p.setProperty("preferQueryMode", "simple");
        p.setProperty("assumeMinServerVersion", "10");
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("postgres"), p);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
            assertThat(rs.next()).isTrue();
            return rs.getInt("timeline");
        }
    }

    private static void execute(LabNode node, String database, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(database), "postgres", null);
             Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static String query(LabNode node, String sql) throws SQLException {
        return query(node, "postgres", sql);
    }

    private static String query(LabNode node, String database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(database), "postgres", null);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
