package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.events.AckStatus;
import org.pgfence.events.Epoch;
import org.pgfence.events.EventJson;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.Trigger;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.PgbouncerFleet;
import org.pgfence.lab.Sql;
import org.pgfence.lab.drill.Fencing;

/**
 * Fault-matrix rows about what reaches the agents, on one lab and one real failover (node1 crashed, node2
 * promoted): an unwritable database ini during the failover; then duplicate and out-of-order events; a
 * poison record on the promotions topic; malicious metadata in repmgr.nodes and in an event.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class FaultEventsIT {
    private static Fencing fencing;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start(Lab lab) {
        fencing = FaultKit.fencing(lab, "events", false).start(true);
        assertThat(FaultKit.awaitAgentsUp(fencing, lab.node(1))).as("agents up, routing to node1").isTrue();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", lab.kafkaBootstrap(), "acks", "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop(Lab lab) {
        chmod("755", lab.pgbouncer(3).databaseIni().getParent());
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (fencing != null) {
            fencing.close();
        }
    }

    @Test
    @Order(1)
    void unwritableDatabaseIniKeepsTheOldFileAcksFailedAndTheAuditSaysOverdue(Lab lab) {
        LabPgbouncer pgb3 = lab.pgbouncer(3);
        Path dir = pgb3.databaseIni().getParent();
        String before = FaultKit.ini(pgb3);
        chmod("555", dir); // the agent (postgres) can no longer create its temp file next to the ini
        Instant crash = Instant.now();
        lab.stopNode(1);
        LabNode primary = lab.awaitSinglePrimary(1, Duration.ofSeconds(30));
        assertThat(primary.id()).isEqualTo(2);

        boolean failed = fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, pgb3).stream()
                .anyMatch(a -> a.status() == AckStatus.FAILED && a.timings().receivedAt().isAfter(crash)
                        && a.epoch() != null && a.epoch().timeline() == 2));
        assertThat(failed).as("node3 acks FAILED at timeline 2").isTrue();
        assertThat(fencing.watch().await(FaultKit.FENCING, () -> List.of(lab.pgbouncer(1), lab.pgbouncer(2)).stream()
                .allMatch(p -> !FaultKit.goodAcks(fencing, p, 2, crash).isEmpty()))).as("the others fence").isTrue();
        assertThat(FaultKit.ini(pgb3)).as("old file intact").isEqualTo(before);
        assertThat(Fencing.target(pgb3, "appdb-rw")).isEqualTo(FaultKit.rw(lab.node(1)));
        boolean overdue = fencing.awaitTrue(FaultKit.FENCING, () -> {
            JsonNode h = FaultKit.auditHost(FaultKit.audit(fencing), 2, pgb3.host());
            return h.path("state").asText().equals("OVERDUE") && !h.path("overdueSince").isNull();
        });
        assertThat(overdue).as("audit: node3 overdue\n" + fencing.auditStatus("--cluster", FaultKit.CLUSTER).out()).isTrue();
        assertThat(fencing.auditStatus("--cluster", FaultKit.CLUSTER).exitCode()).isEqualTo(1);

        chmod("755", dir);
        assertThat(fencing.awaitRouted("appdb-rw", primary, FaultKit.FENCING)).as("node3 converges once writable").isTrue();
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> fencing.auditStatus("--cluster", FaultKit.CLUSTER).complete()))
                .as("audit complete after the repair").isTrue();
    }

    @Test
    @Order(2)
    void duplicateAndOutOfOrderEventsDoNotRegress(Lab lab) {
        MasterPromoted real = FaultKit.promotions(fencing, 2).get(0);
        MasterPromoted old = new MasterPromoted(MasterPromoted.SCHEMA_VERSION, UUID.randomUUID(), FaultKit.CLUSTER,
                real.occurredAt().minusSeconds(60), "node1", Trigger.STANDBY_PROMOTE, null,
                new NodeRef(1, "node1", lab.node(1).address(), lab.node(1).pgPort()), null,
                new Epoch(1, real.epoch().systemIdentifier()));
        Instant sent = Instant.now();
        publish(real);
        publish(old);
        publish(real);

        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, p).stream()
                    .anyMatch(a -> old.eventId().equals(a.eventId()))))
                    .as(p.host() + " answers the out-of-order event").isTrue();
            assertThat(FaultKit.acks(fencing, p)).filteredOn(a -> old.eventId().equals(a.eventId()))
                    .allSatisfy(a -> assertThat(a.status()).isEqualTo(AckStatus.REJECTED_STALE));
            assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, p).stream()
                    .filter(a -> real.eventId().equals(a.eventId()) && a.timings().receivedAt().isAfter(sent)).count() >= 2))
                    .as(p.host() + " answers both duplicates").isTrue();
            assertThat(FaultKit.acks(fencing, p)).filteredOn(a -> real.eventId().equals(a.eventId())
                            && a.timings().receivedAt().isAfter(sent))
                    .allSatisfy(a -> assertThat(a.status()).isEqualTo(AckStatus.UNCHANGED));
            assertThat(FaultKit.metric(FaultKit.metrics(p), "pgfence_agent_last_epoch{cluster=\"lab\"}")).isEqualTo(2.0);
        }
        assertThat(fencing.awaitRouted("appdb-rw", lab.node(2), Duration.ofSeconds(5))).isTrue();
        assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> fencing.auditStatus("--cluster", FaultKit.CLUSTER).complete()))
                .as("audit still complete:\n" + fencing.auditStatus("--cluster", FaultKit.CLUSTER).out()).isTrue();
    }

    @Test
    @Order(3)
    void poisonRecordIsCountedAsAnAlarmAndAgentsKeepRunning(Lab lab) {
        producer.send(new ProducerRecord<>(topics().promotions(), Topics.promotionKey(FaultKit.CLUSTER),
                "{\"type\":\"master-promoted\", this is not json".getBytes()));
        producer.flush();
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(fencing.awaitTrue(FaultKit.FENCING, () -> FaultKit.metric(FaultKit.metrics(p),
                    "pgfence_agent_poison_records_total") >= 1)).as(p.host() + " counts the poison record").isTrue();
            assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, p).stream()
                    .anyMatch(a -> a.status() == AckStatus.FAILED && a.error() != null && a.error().startsWith("poison record"))))
                    .as(p.host() + " raises a FAILED ack naming the poison record").isTrue();
        }
        MasterPromoted real = FaultKit.promotions(fencing, 2).get(0);
        Instant sent = Instant.now();
        publish(real);
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(fencing.agentRunning(p)).isTrue();
            assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, p).stream()
                    .anyMatch(a -> real.eventId().equals(a.eventId()) && a.timings().receivedAt().isAfter(sent)
                            && a.status().isGood()))).as(p.host() + " still handles events after the poison").isTrue();
        }
    }

    @Test
    @Order(4)
    void maliciousMetadataInjectsNoLine(Lab lab) throws Exception {
        LabNode primary = lab.node(2);
        String url = primary.jdbcUrl("repmgr");
        String name = Sql.one(url, "repmgr", "SELECT node_name FROM repmgr.nodes WHERE node_id = 3");
        String conninfo = Sql.one(url, "repmgr", "SELECT conninfo FROM repmgr.nodes WHERE node_id = 3");
        Instant changed = Instant.now();
        Sql.exec(url, "repmgr", "UPDATE repmgr.nodes SET node_name = E'node3\\nevil-rw = host=6.6.6.6 dbname=appdb',"
                + " conninfo = E'host=" + lab.node(3).address() + " port=5432 user=repmgr dbname=repmgr\\n[databases]\\nevil2 = host=6.6.6.6'"
                + " WHERE node_id = 3");
        try {
            publish(new MasterPromoted(MasterPromoted.SCHEMA_VERSION, UUID.randomUUID(), FaultKit.CLUSTER, Instant.now(),
                    "node2", Trigger.MANUAL, null, new NodeRef(2, "node2\n%include /etc/passwd", primary.address()
                    + "\nevil3 = host=6.6.6.6", 5432), null, FaultKit.promotions(fencing, 2).get(0).epoch()));
            for (LabPgbouncer p : lab.pgbouncers()) {
                assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, p).stream()
                        .filter(a -> a.timings().receivedAt().isAfter(changed)).count() >= 3))
                        .as(p.host() + " reconciled with the malicious metadata").isTrue();
                String ini = FaultKit.ini(p);
                assertThat(ini).doesNotContain("6.6.6.6").doesNotContain("evil").doesNotContain("%include");
                assertThat(ini.lines().filter(l -> !l.isBlank() && !l.startsWith(";")).toList())
                        .as(p.host() + " ini:\n" + ini).hasSize(3).first().isEqualTo("[databases]");
                assertThat(PgbouncerFleet.databases(p).keySet()).containsExactlyInAnyOrder("appdb-rw", "appdb-ro", "pgbouncer");
                assertThat(Fencing.target(p, "appdb-rw")).isEqualTo(FaultKit.rw(primary));
                assertThat(FaultKit.agentLog(fencing, p)).as(p.host() + " saw the malicious node_name and refused it")
                        .containsPattern("WARN .*not routing to " + lab.node(3).address().replace(".", "\\.")
                                + ":5432: node 3 .*field node_name");
            }
        } finally {
            Sql.exec(url, "repmgr", "UPDATE repmgr.nodes SET node_name = '" + name + "', conninfo = '" + conninfo
                    + "' WHERE node_id = 3");
        }
    }

    @Test
    @Order(5)
    void aForgedEventNamingAnUnknownAddressGetsNoLoginFromAnyAgent(Lab lab) throws Exception {
        String trapAddress = lab.layout().spec().net() + ".99";
        AtomicInteger knocks = new AtomicInteger();
        try (ServerSocket trap = new ServerSocket(5432, 50, InetAddress.getByName(trapAddress))) {
            Thread catcher = new Thread(() -> {
                while (!trap.isClosed()) {
                    try (Socket s = trap.accept()) {
                        knocks.incrementAndGet(); // a probe would now send the repmgr user's startup and password
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "credential-trap");
            catcher.setDaemon(true);
            catcher.start();
            MasterPromoted forged = new MasterPromoted(MasterPromoted.SCHEMA_VERSION, UUID.randomUUID(),
                    FaultKit.CLUSTER, Instant.now(), "node9", Trigger.MANUAL, null,
                    new NodeRef(9, "node9", trapAddress, 5432), null, FaultKit.promotions(fencing, 2).get(0).epoch());
            publish(forged);
            for (LabPgbouncer p : lab.pgbouncers()) {
                assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, p).stream()
                        .anyMatch(a -> forged.eventId().equals(a.eventId())))).as(p.host() + " answers it").isTrue();
            }
        }
        assertThat(knocks.get()).as("connections to the address only the forged event named").isZero();
    }

    private static Topics topics() {
        return new Topics(fencing.configs().topicPrefix());
    }

    private static void publish(PgfenceEvent event) {
        try {
            producer.send(new ProducerRecord<>(topics().promotions(), Topics.promotionKey(FaultKit.CLUSTER),
                    EventJson.toBytes(event))).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + event, e);
        }
    }

    private static void chmod(String mode, Path dir) {
        try {
            Process p = new ProcessBuilder("chmod", mode, dir.toString()).inheritIO().start();
            assertThat(p.waitFor()).isZero();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
