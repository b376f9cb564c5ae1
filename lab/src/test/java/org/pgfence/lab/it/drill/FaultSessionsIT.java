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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import io.github.resilience4j.retry.Retry;
import org.pgfence.consumer.pgbouncer.ApplyResult;
import org.pgfence.consumer.pgbouncer.PgbouncerApplier;
import org.pgfence.pgbouncer.AdminConsole;
import org.pgfence.pgbouncer.Console;
import org.pgfence.pgbouncer.PoolerDatabase;
import org.pgfence.pgbouncer.PoolerServer;
import org.pgfence.pgbouncer.SimpleQueryClient;
import org.pgfence.pgbouncer.ini.IniEntry;
import org.pgfence.pgbouncer.ini.RenderedIni;
import org.pgfence.pgbouncer.ini.Role;
import org.pgfence.runtime.Retries;
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

    /**
     * A client that connects the moment pgbouncer serves the moved route must not be cut by the same apply: CI stop 26
     * saw FaultHostsIT's first write through a re-opened pgbouncer fail with "FATAL: database removed", because the
     * apply RELOADed and ENABLEd before it KILLed, and the KILL took the new session with the old ones. Here the
     * console used by the applier opens such a client right after the RELOAD and waits until pgbouncer has it
     * (answered, or queued behind a pause); only then does the apply go on. The session on the old node is cut.
     */
    @Test
    @Order(3)
    void aClientThatConnectsOnceTheMovedRouteIsLoadedIsNotCutByTheSameApply(Lab lab) throws Exception {
        LabPgbouncer pgb3 = lab.pgbouncer(3);
        LabNode from = lab.node(2);
        LabNode to = lab.node(3);
        fencing.stopAgent(pgb3); // the test drives pgb3's applier itself
        Path state = Files.createTempDirectory(lab.dir(), "applier-state");
        try (AdminConsole admin = new AdminConsole(pgb3.address(), pgb3.port(), "postgres", null, Duration.ofSeconds(10))) {
            new PgbouncerApplier(pgb3.databaseIni(), false, admin, ONCE, state).apply(rwOn(from));
            assertThat(Fencing.target(pgb3, "appdb-rw")).isEqualTo(FaultKit.rw(from));
            ExecutorService client = Executors.newSingleThreadExecutor();
            try (Connection held = DriverManager.getConnection(pgb3.jdbcUrl("appdb-rw", "app"))) {
                assertThat(serverAddress(held)).isEqualTo(from.address());
                AtomicReference<Future<Connection>> late = new AtomicReference<>();
                Console racing = new ForwardingConsole(admin) {
                    @Override
                    public void execute(String command) throws SQLException {
                        super.execute(command);
                        if (command.equals("RELOAD") && late.get() == null) {
                            late.set(client.submit(() -> {
                                Connection c = DriverManager.getConnection(pgb3.jdbcUrl("appdb-rw", "app"));
                                serverAddress(c);
                                return c;
                            }));
                            assertThat(fencing.awaitTrue(Duration.ofSeconds(10), () -> late.get().isDone()
                                    || waitingClients(pgb3, "appdb-rw") > 0))
                                    .as("the late client is answered or queued by pgbouncer").isTrue();
                        }
                    }
                };
                ApplyResult moved = new PgbouncerApplier(pgb3.databaseIni(), false, racing, ONCE, state).apply(rwOn(to));
                assertThat(late.get()).as("the apply reloaded: " + moved.actions()).isNotNull();
                try (Connection c = late.get().get(10, TimeUnit.SECONDS)) {
                    assertThat(serverAddress(c)).as("the late client's session outlives the apply " + moved.actions())
                            .isEqualTo(to.address());
                }
                assertThatThrownBy(() -> serverAddress(held)).as("the session on " + from.name() + " is cut")
                        .isInstanceOf(SQLException.class);
            } finally {
                client.shutdownNow();
            }
        }
        fencing.startAgent(pgb3);
    }

    private static final Retry ONCE = Retries.of("test", 1, Duration.ofMillis(10), Duration.ofMillis(10));

    /** appdb-rw alone, on {@code node}. */
    private static RenderedIni rwOn(LabNode node) {
        return new RenderedIni("[databases]\nappdb-rw = host=" + node.address() + " port=" + node.pgPort()
                + " dbname=appdb\n", List.of(new IniEntry("appdb-rw", Role.RW, node.address(), node.pgPort(), "appdb",
                false)), Set.of());
    }

    /** {@code cl_waiting} of {@code database}'s pools, per SHOW POOLS (pgjdbc cannot read it: "SET failed"). */
    private static int waitingClients(LabPgbouncer pgb, String database) {
        try (SimpleQueryClient c = SimpleQueryClient.connect(pgb.address(), pgb.port(), "postgres", null, "pgbouncer",
                Duration.ofSeconds(5))) {
            return c.query("SHOW POOLS").stream().filter(r -> database.equals(r.get("database")))
                    .mapToInt(r -> Integer.parseInt(r.get("cl_waiting"))).sum();
        } catch (SQLException e) {
            throw new IllegalStateException("SHOW POOLS on " + pgb.host() + ": " + e.getMessage(), e);
        }
    }

    /** A console that does what {@code delegate} does; a test overrides the one call it watches. */
    private static class ForwardingConsole implements Console {
        private final Console delegate;

        ForwardingConsole(Console delegate) {
            this.delegate = delegate;
        }

        @Override
        public String url() {
            return delegate.url();
        }

        @Override
        public List<PoolerDatabase> showDatabases() throws SQLException {
            return delegate.showDatabases();
        }

        @Override
        public List<PoolerServer> showServers() throws SQLException {
            return delegate.showServers();
        }

        @Override
        public void execute(String command) throws SQLException {
            delegate.execute(command);
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
