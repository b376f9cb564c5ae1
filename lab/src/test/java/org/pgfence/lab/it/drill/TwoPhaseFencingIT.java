package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
import org.pgfence.events.EpochSql;
import org.pgfence.events.EventJson;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.Sql;
import org.pgfence.lab.drill.Fencing;

/**
 * Two-phase fencing on the real lab (DESIGN "Two-phase fencing", issue 18): on {@code fencing-started} every agent
 * PAUSEs appdb-rw and acks PAUSED; a client that writes meanwhile queues in pgbouncer, with no error, until either the
 * pause expires (it then lands on the primary that still verifies) or the promotion is verified (it then lands on the
 * new primary).
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class TwoPhaseFencingIT {
    private static Fencing fencing;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start(Lab lab) {
        fencing = FaultKit.fencing(lab, "twophase", false).start(true);
        assertThat(FaultKit.awaitAgentsUp(fencing, lab.node(1))).as("agents up, routing to node1").isTrue();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", lab.kafkaBootstrap(), "acks", "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (fencing != null) {
            fencing.close();
        }
    }

    @Test
    @Order(1)
    void aPauseWithNoPromotionQueuesWritesAndExpiresBackToThePrimaryThatStillVerifies(Lab lab) throws Exception {
        Duration pause = Duration.ofSeconds(6);
        FencingStarted intent = announce(lab, lab.node(1), lab.node(2), pause);
        awaitPausedEverywhere(lab, intent);

        Instant before = Instant.now();
        CompletableFuture<String> write = CompletableFuture.supplyAsync(() -> insert(lab.pgbouncer(1), "queued, expiry"));
        String server = write.get(FaultKit.FENCING.toSeconds(), TimeUnit.SECONDS);
        Duration queued = Duration.between(before, Instant.now());

        assertThat(server).as("the queued write ran on node1, which still verifies").isEqualTo(lab.node(1).address());
        assertThat(Instant.now()).as("it waited for the expiry").isAfterOrEqualTo(intent.pauseUntil());
        System.out.printf("two-phase: a write queued %d ms behind a pause that expired, no error%n", queued.toMillis());
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(fencing.awaitTrue(Duration.ofSeconds(10), () -> !paused(p)))
                    .as(p.host() + " resumed after the expiry").isTrue();
            assertThat(Fencing.target(p, "appdb-rw")).isEqualTo(FaultKit.rw(lab.node(1)));
        }
    }

    @Test
    @Order(2)
    void aWriteQueuedBehindThePauseLandsOnTheNewPrimaryOnceTheSwitchoverIsVerified(Lab lab) throws Exception {
        FencingStarted intent = announce(lab, lab.node(1), lab.node(2), Duration.ofSeconds(60));
        awaitPausedEverywhere(lab, intent);
        Instant before = Instant.now();
        List<CompletableFuture<String>> writes = lab.pgbouncers().stream()
                .map(p -> CompletableFuture.supplyAsync(() -> insert(p, "queued, switchover"))).toList();

        Duration took = lab.switchover(2);

        for (CompletableFuture<String> w : writes) {
            assertThat(w.get(FaultKit.FENCING.toSeconds(), TimeUnit.SECONDS)).as("the queued write, with no error")
                    .isEqualTo(lab.node(2).address());
        }
        Duration queued = Duration.between(before, Instant.now());
        System.out.printf("two-phase: writes queued %d ms through a %d ms repmgr switchover, landed on node2, no error%n",
                queued.toMillis(), took.toMillis());
        assertThat(Instant.now()).as("released by the verified promotion, long before the pause's expiry")
                .isBefore(intent.pauseUntil());
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(paused(p)).as(p.host() + " resumed").isFalse();
            assertThat(FaultKit.agentLog(fencing, p)).as(p.host() + " agent log")
                    .containsPattern("pause held for " + intent.eventId() + " ended: promotion verified");
        }
    }

    private FencingStarted announce(Lab lab, LabNode primary, LabNode candidate, Duration pause) throws Exception {
        String system = Sql.one(primary.jdbcUrl("postgres"), "postgres", "SELECT " + EpochSql.SYSTEM_IDENTIFIER);
        String timeline = Sql.one(primary.jdbcUrl("postgres"), "postgres", "SELECT " + EpochSql.PRIMARY_TIMELINE);
        Instant now = Instant.now();
        FencingStarted intent = new FencingStarted(FencingStarted.SCHEMA_VERSION, UUID.randomUUID(), FaultKit.CLUSTER, now,
                "test", FencingStarted.Intent.SWITCHOVER, new NodeRef(candidate.id(), candidate.name(),
                candidate.address(), candidate.pgPort()), new Epoch(Integer.parseInt(timeline), system), now.plus(pause));
        producer.send(new ProducerRecord<>(new Topics(fencing.configs().topicPrefix()).promotions(),
                Topics.fencingKey(FaultKit.CLUSTER), EventJson.toBytes(intent))).get();
        return intent;
    }

    private static void awaitPausedEverywhere(Lab lab, FencingStarted intent) {
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, p).stream()
                    .anyMatch(a -> intent.eventId().equals(a.eventId()) && a.status() == AckStatus.PAUSED)))
                    .as(p.host() + " acks PAUSED: " + FaultKit.acks(fencing, p)).isTrue();
            assertThat(paused(p)).as(p.host() + " appdb-rw paused").isTrue();
        }
    }

    private static boolean paused(LabPgbouncer p) {
        return Fencing.target(p, "appdb-rw").contains(" paused");
    }

    /** One insert through the pgbouncer's appdb-rw in a new session; returns the server address it ran on. */
    private static String insert(LabPgbouncer p, String note) {
        try (Connection c = DriverManager.getConnection(p.jdbcUrl("appdb-rw", "app"));
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO t(note, via) VALUES ('" + note + "', '" + p.host() + "')");
            try (ResultSet rs = s.executeQuery("SELECT host(inet_server_addr())")) {
                rs.next();
                return rs.getString(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(p.host() + ": " + e.getMessage(), e);
        }
    }
}
