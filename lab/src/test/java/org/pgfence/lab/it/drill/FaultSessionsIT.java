package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.cli.Main;
import org.pgfence.events.AckStatus;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.PgbouncerFleet;
import org.pgfence.lab.Sql;
import org.pgfence.lab.drill.Fencing;

/**
 * DESIGN rule 7 where a diff of configs is blind: a RELOAD that pgbouncer did not apply (a broken include) must
 * close rw through the console; and a session left on the old node by an apply that was cut short after its RELOAD
 * (the agent died before KILL) must be cut by the next apply, which finds the ini and SHOW DATABASES already right
 * and only SHOW SERVERS tells.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultSessionsIT {
    private static Fencing fencing;

    @BeforeAll
    static void start(Lab lab) {
        fencing = FaultKit.fencing(lab, "sessions", false).start(true);
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
    void aReloadThatDoesNotTakeClosesRwThroughTheConsoleUntilOneDoes(Lab lab) throws Exception {
        LabPgbouncer pgb2 = lab.pgbouncer(2);
        String healthy = Files.readString(pgb2.ini());
        // first in the file: nothing after a missing include is loaded (lab fact P12)
        Files.writeString(pgb2.ini(), "%include " + lab.dir().resolve("no-such.ini") + "\n" + healthy);
        Instant crash = Instant.now();
        lab.stopNode(1);
        LabNode primary = lab.awaitSinglePrimary(1, Duration.ofSeconds(30));
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> FaultKit.acks(fencing, pgb2).stream()
                .anyMatch(a -> a.status() == AckStatus.FAILED && a.timings().receivedAt().isAfter(crash)
                        && a.error() != null && a.error().contains("did not load"))))
                .as("node2's agent acks FAILED: the reload did not take").isTrue();
        assertThat(fencing.awaitTrue(Duration.ofSeconds(10), () -> Fencing.target(pgb2, "appdb-rw")
                .equals(FaultKit.rw(lab.node(1)) + " disabled")))
                .as("pgbouncer still serves node1 (its reload failed), and rw is disabled through the console: "
                        + Fencing.target(pgb2, "appdb-rw") + "\n" + FaultKit.agentLog(fencing, pgb2)).isTrue();

        Files.writeString(pgb2.ini(), healthy);
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> Fencing.target(pgb2, "appdb-rw")
                .equals(FaultKit.rw(primary)))).as("a reload that takes re-opens rw on the new primary").isTrue();
        assertThat(fencing.awaitRouted("appdb-rw", primary, FaultKit.FENCING)).isTrue();
    }

    @Test
    @Order(2)
    void aSessionLeftOnTheOldPrimaryByAnApplyCutShortAfterItsReloadIsCutByTheNext(Lab lab) throws Exception {
        LabPgbouncer pgb1 = lab.pgbouncer(1);
        LabNode old = lab.currentPrimary().orElseThrow(); // whichever node repmgrd promoted in the first test
        LabNode next = lab.node(old.id() == 2 ? 3 : 2);
        // the other standby must follow it first: promoted while still on timeline 1 it would fork a second
        // timeline 2, and two writable nodes on the top timeline rightly fence everything closed
        lab.awaitAttached(next.id(), old.id(), Duration.ofSeconds(60));
        lab.nodes().forEach(n -> lab.stopRepmgrd(n.id())); // nothing else acts
        fencing.stopAgent(pgb1);
        try (Connection held = DriverManager.getConnection(pgb1.jdbcUrl("appdb-rw", "app"))) {
            assertThat(serverAddress(held)).as("the held session is on the primary").isEqualTo(old.address());

            Sql.exec(next.jdbcUrl("postgres"), "postgres", "SELECT pg_promote(true, 30)");
            Sql.exec(next.jdbcUrl("repmgr"), "repmgr", "UPDATE repmgr.nodes SET type = 'primary', upstream_node_id = NULL"
                    + " WHERE node_id = " + next.id() + "; UPDATE repmgr.nodes SET active = false WHERE node_id = "
                    + old.id());
            // what the stopped agent had done before it died: the new ini written and reloaded, no KILL yet
            Files.writeString(pgb1.databaseIni(), render(fencing.configs().agentConfig(pgb1).toString()));
            PgbouncerFleet.admin(pgb1, "RELOAD");
            assertThat(Fencing.target(pgb1, "appdb-rw")).isEqualTo(FaultKit.rw(next));
            assertThat(serverAddress(held)).as("RELOAD moves no session (lab fact P13)").isEqualTo(old.address());

            Instant restarted = Instant.now();
            fencing.startAgent(pgb1);
            assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, pgb1).stream()
                    .anyMatch(a -> a.status().isGood() && a.timings().receivedAt().isAfter(restarted))))
                    .as("the restarted agent reconciled").isTrue();
            assertThatThrownBy(() -> serverAddress(held)).as("the session on " + old.name() + " (a writable node below"
                    + " the top timeline) is cut\n" + FaultKit.agentLog(fencing, pgb1)).isInstanceOf(SQLException.class);
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

    private static String render(String agentConfig) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"render", "--config", agentConfig}, Map.of(), new PrintStream(out, true),
                System.err);
        assertThat(rc).as("pgfence render").isZero();
        return out.toString();
    }
}
