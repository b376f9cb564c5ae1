package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.lab.drill.Fencing;

/**
 * Maintenance mode (DESIGN rule 11, issue 18): {@code pgfence pause} on a live fleet, then a real failover (node1
 * crashed, node2 promoted by repmgrd, announced by {@code pgfence promote}): every agent acks the promotion
 * MAINTENANCE with the operator's reason and changes no pgbouncer; the auditor says the cluster is in maintenance.
 * Then {@code pgfence resume}: every agent routes rw to node2 at once, and the audit completes. Before that, the
 * other half of rule 11: a {@code PAUSE} or {@code DISABLE} an operator made by hand survives the agents' reconciles.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS) // measured about a third of this
class MaintenanceIT {
    private static Fencing fencing;

    @BeforeAll
    static void start(Lab lab) {
        fencing = FaultKit.fencing(lab, "maintenance", false).start(true);
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
    void anOperatorsPauseAndDisableByHandSurviveTheAgentsReconciles(Lab lab) throws Exception {
        LabPgbouncer pgb1 = lab.pgbouncer(1);
        LabPgbouncer pgb2 = lab.pgbouncer(2);
        // and the health checks a load balancer or systemd would use: healthy once each consumer has joined its group
        // (fresh19: asked at once, an agent still answered 503 "no partition assigned", which is true then)
        for (LabPgbouncer p : lab.pgbouncers()) {
            String url = "http://" + p.address() + ":" + DrillConfigs.AGENT_HTTP_PORT + "/health";
            assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> FaultKit.get(url).equals(Map.entry(200, "ok\n"))))
                    .as(p.host() + " agent /health: " + FaultKit.get(url)).isTrue();
        }
        String auditHealth = "http://" + lab.layout().hubAddress() + ":" + DrillConfigs.AUDIT_HTTP_PORT + "/health";
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> FaultKit.get(auditHealth).equals(Map.entry(200, "ok\n"))))
                .as("auditor /health: " + FaultKit.get(auditHealth)).isTrue();
        int acks1 = FaultKit.acks(fencing, pgb1).size();
        int acks2 = FaultKit.acks(fencing, pgb2).size();
        PgbouncerFleet.admin(pgb1, "PAUSE \"appdb-ro\"");
        PgbouncerFleet.admin(pgb2, "DISABLE \"appdb-ro\"");
        try {
            assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> FaultKit.acks(fencing, pgb1).size() >= acks1 + 2
                    && FaultKit.acks(fencing, pgb2).size() >= acks2 + 2)).as("two reconciles on each").isTrue();
            assertThat(PgbouncerFleet.databases(pgb1).get("appdb-ro")).as("pgb1 still paused").endsWith(" paused");
            assertThat(PgbouncerFleet.databases(pgb2).get("appdb-ro")).as("pgb2 still disabled").endsWith(" disabled");
            assertThat(FaultKit.agentLog(fencing, pgb1)).contains("appdb-ro is PAUSEd, but not by pgfence");
            assertThat(FaultKit.agentLog(fencing, pgb2)).contains("appdb-ro is DISABLEd, but not by pgfence");
        } finally { // as the operator ends the work; an agent that undid it leaves nothing to end
            restore(pgb1, "RESUME \"appdb-ro\"");
            restore(pgb2, "ENABLE \"appdb-ro\"");
        }
    }

    @Test
    @Order(2)
    void aFailoverDuringMaintenanceChangesNoPgbouncerAndResumeConvergesAtOnce(Lab lab) {
        Map<String, String> before = new HashMap<>();
        lab.pgbouncers().forEach(p -> before.put(p.host(), FaultKit.ini(p)));
        String paused = pgfence("pause", "--config", fencing.configs().promoteConfig(1).toString(), "--reason",
                "kernel upgrade on node1");
        assertThat(paused).contains("cluster " + FaultKit.CLUSTER + " paused (maintenance: kernel upgrade on node1)");
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> lab.pgbouncers().stream().allMatch(p ->
                FaultKit.acks(fencing, p).stream().anyMatch(a -> a.status() == AckStatus.MAINTENANCE))))
                .as("every agent acks the pause at once").isTrue();

        Instant crash = Instant.now();
        lab.stopNode(1);
        LabNode primary = lab.awaitSinglePrimary(1, Duration.ofSeconds(30));
        assertThat(primary.id()).isEqualTo(2);
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> lab.pgbouncers().stream().allMatch(p ->
                FaultKit.acks(fencing, p).stream().anyMatch(a -> a.status() == AckStatus.MAINTENANCE
                        && a.eventId() != null && a.epoch() != null && a.epoch().timeline() == 2
                        && a.timings().receivedAt().isAfter(crash)))))
                .as("every agent acks the promotion MAINTENANCE: observed at timeline 2, nothing changed").isTrue();
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(FaultKit.ini(p)).as(p.host() + ": the operator's hand wins").isEqualTo(before.get(p.host()));
            assertThat(Fencing.target(p, "appdb-rw")).isEqualTo(FaultKit.rw(lab.node(1)));
            assertThat(FaultKit.acks(fencing, p).get(FaultKit.acks(fencing, p).size() - 1).error())
                    .contains("kernel upgrade on node1").contains("would route");
        }
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(FaultKit.metrics(p)).as(p.host() + " /metrics")
                    .contains("pgfence_agent_maintenance{cluster=\"" + FaultKit.CLUSTER + "\"} 1");
        }
        String auditMetrics = "http://" + lab.layout().hubAddress() + ":" + DrillConfigs.AUDIT_HTTP_PORT + "/metrics";
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> FaultKit.get(auditMetrics).getValue()
                .contains("pgfence_audit_maintenance{cluster=\"" + FaultKit.CLUSTER + "\"} 1")))
                .as("the auditor's maintenance gauge").isTrue();
        String status = fencing.auditStatus("--cluster", FaultKit.CLUSTER).out();
        assertThat(status).contains("cluster " + FaultKit.CLUSTER + " IN MAINTENANCE since")
                .contains("kernel upgrade on node1");

        String resumed = pgfence("resume", "--config", fencing.configs().promoteConfig(2).toString());
        assertThat(resumed).contains("cluster " + FaultKit.CLUSTER + " resumed");
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(fencing.awaitRouted("appdb-rw", primary, FaultKit.FENCING)).as(p.host() + " converges").isTrue();
        }
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> fencing.auditStatus("--cluster", FaultKit.CLUSTER)
                .complete())).as("the promotion completes once resumed\n"
                + fencing.auditStatus("--cluster", FaultKit.CLUSTER).out()).isTrue();
        assertThat(fencing.auditStatus("--cluster", FaultKit.CLUSTER).out()).doesNotContain("IN MAINTENANCE");
    }

    private static void restore(LabPgbouncer pgb, String command) {
        try {
            PgbouncerFleet.admin(pgb, command);
        } catch (java.sql.SQLException e) { // "is not paused": the failure, if any, is the assertion's to report
            System.err.println(pgb.host() + ": " + command + ": " + e.getMessage());
        }
    }

    private static String pgfence(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(args, System.getenv(), new PrintStream(out, true), new PrintStream(err, true));
        assertThat(rc).as("pgfence %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }
}
