package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.audit.config.AuditConfig;
import org.pgfence.audit.config.RemoteHost;
import org.pgfence.audit.remediation.RemoteRepair;
import org.pgfence.audit.remediation.RepairResult;
import org.pgfence.audit.ssh.SshConnector;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.events.Epoch;
import org.pgfence.events.FormerPrimary;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.NodeState;
import org.pgfence.lab.Sql;
import org.pgfence.lab.drill.Fencing;

/**
 * Two holes of issue #15 on one lab. First, node identity (hole 5): a second running server that claims the
 * primary's repmgr node_id on the top timeline (a clone started elsewhere, a copied repmgr.conf) must fence rw
 * closed everywhere, not be taken for the primary. Then the auditor's SSH repair of a host whose agent is down
 * (hole 4): it must leave that pgbouncer as its agent would, console steps included. Before 0.2.0 the repair
 * uploaded a rendered ini and RELOADed: the routes moved, but a session already on the old primary stayed there,
 * writable (RELOAD moves no session, lab fact P13). The repair now runs the host's own {@code pgfence apply} under
 * the promotion's epoch, which KILLs it.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class FaultRepairIT {
    private static Fencing fencing;

    @BeforeAll
    static void start(Lab lab) {
        fencing = FaultKit.fencing(lab, "repair", true).start(false);
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
    void aSecondServerClaimingThePrimarysNodeIdFencesRwClosedUntilItStops(Lab lab) throws Exception {
        LabNode primary = lab.node(1);
        LabNode clone = lab.node(3);
        // repmgr keeps the first node id set in shared memory: restart the server without its repmgrd, then claim
        lab.stopRepmgrd(clone.id());
        lab.stopNode(clone.id());
        lab.startNode(clone.id());
        Sql.exec(clone.jdbcUrl("repmgr"), "postgres", "SELECT repmgr.set_local_node_id(" + primary.id() + ")");
        assertThat(Sql.one(clone.jdbcUrl("repmgr"), "postgres", "SELECT repmgr.get_local_node_id()"))
                .isEqualTo(String.valueOf(primary.id()));
        try {
            assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> lab.pgbouncers().stream()
                    .allMatch(p -> Fencing.target(p, "appdb-rw").endsWith(" disabled"))))
                    .as("rw closed on every pgbouncer while two servers claim node 1: " + lab.pgbouncers().stream()
                            .map(p -> Fencing.target(p, "appdb-rw")).toList()).isTrue();
            assertThat(FaultKit.agentLog(fencing, lab.pgbouncer(2))).contains("node 1 is claimed by 2 running servers");
        } finally {
            lab.stopNode(clone.id());
            lab.startNode(clone.id());
            lab.startRepmgrd(clone.id()); // which says node 3 again
        }
        assertThat(fencing.awaitRouted("appdb-rw", primary, FaultKit.FENCING)).as("rw back on node1").isTrue();
    }

    @Test
    @Order(2)
    void anSshRepairOfAHostWhoseAgentIsDownCutsItsSessionOnTheOldPrimary(Lab lab) throws Exception {
        LabPgbouncer pgb1 = lab.pgbouncer(1);
        LabNode old = lab.node(1);
        LabNode next = lab.node(2);
        lab.awaitAttached(next.id(), old.id(), Duration.ofSeconds(60));
        lab.nodes().forEach(n -> lab.stopRepmgrd(n.id())); // nothing else acts
        fencing.stopAgent(pgb1);
        try (Connection held = DriverManager.getConnection(pgb1.jdbcUrl("appdb-rw", "app"))) {
            assertThat(serverAddress(held)).as("the held session is on the primary").isEqualTo(old.address());

            // an operator promotes node2 by hand; node1 stays up and writable (nothing fences it but pgfence)
            Sql.exec(next.jdbcUrl("postgres"), "postgres", "SELECT pg_promote(true, 30)");
            Sql.exec(next.jdbcUrl("repmgr"), "repmgr", "UPDATE repmgr.nodes SET type = 'primary', upstream_node_id = NULL"
                    + " WHERE node_id = " + next.id() + "; UPDATE repmgr.nodes SET active = false WHERE node_id = "
                    + old.id());
            NodeState promoted = lab.probe(next.id()).orElseThrow();
            assertThat(promoted.inRecovery()).isFalse();

            AuditConfig audit = AuditConfig.load(fencing.configs().auditConfig(), Map.of());
            RemoteHost host = audit.remediation().host(pgb1.host()).orElseThrow();
            Promotion promotion = new Promotion(1, UUID.randomUUID(), FaultKit.CLUSTER,
                    new Epoch(promoted.timeline(), promoted.systemIdentifier()),
                    new NodeRef(next.id(), next.name(), next.address(), next.pgPort()),
                    new FormerPrimary(old.id(), old.name()), Trigger.MANUAL, Instant.now(), Instant.now(), null,
                    List.of(pgb1.host()));
            RepairResult repaired = new RemoteRepair(new SshConnector(audit.remediation().ssh())).repair(promotion, host);

            assertThat(repaired.outcome().name()).as(String.valueOf(repaired.error())).isEqualTo("APPLIED");
            assertThat(repaired.targets()).anySatisfy(t -> assertThat(t.database() + " " + t.node().host())
                    .isEqualTo("appdb-rw " + next.address()));
            assertThat(Fencing.target(pgb1, "appdb-rw")).isEqualTo(FaultKit.rw(next));
            assertThatThrownBy(() -> serverAddress(held)).as("the session on " + old.name() + " (writable, below the"
                    + " top timeline) is cut by the repair").isInstanceOf(SQLException.class);
        }
        try (Connection fresh = DriverManager.getConnection(pgb1.jdbcUrl("appdb-rw", "app"))) {
            assertThat(serverAddress(fresh)).as("new sessions reach " + next.name()).isEqualTo(next.address());
        }
    }

    private static String serverAddress(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT host(inet_server_addr())")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
