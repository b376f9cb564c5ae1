package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
import org.pgfence.consumer.state.EpochStore;
import org.pgfence.events.AckStatus;
import org.pgfence.events.Epoch;
import org.pgfence.events.EpochSql;
import org.pgfence.events.EventJson;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.CutOff;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.Sql;
import org.pgfence.lab.drill.Fencing;

/**
 * The case fencing exists for: the old primary alive and reachable, the new one out of the agents' sight. repmgrd is
 * stopped everywhere (nothing else acts); every agent is cut off from node2 and node3 (see {@link CutOff}); node2 is
 * promoted by hand (timeline 2) and its repmgr.nodes says so; a master-promoted announces timeline 2. Every agent must
 * close rw and keep it closed for the whole partition, on every timer reconcile and across a restart that lost its
 * state file, and converge on node2 once the partition is lifted.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultPartitionIT {
    /** Several fenced-closed re-checks (1 s, 2 s, 2 s ... with reconcileInterval 2 s) and timer reconciles. */
    private static final Duration PARTITION_WATCH = Duration.ofSeconds(10);
    private static Fencing fencing;
    private static final List<CutOff> CUTS = new ArrayList<>();
    private static MasterPromoted announced;

    @BeforeAll
    static void partitionThenPromoteOutOfSight(Lab lab) throws Exception {
        fencing = FaultKit.fencing(lab, "partition", false).start(true, false);
        for (LabPgbouncer p : lab.pgbouncers()) { // every agent in the group the cut applies to
            fencing.startAgentInGroup(p, CutOff.GROUP);
        }
        assertThat(FaultKit.awaitAgentsUp(fencing, lab.node(1))).as("agents up, routing to node1").isTrue();
        lab.nodes().forEach(n -> lab.stopRepmgrd(n.id()));
        CUTS.add(CutOff.from(CutOff.GROUP, lab.node(2)));
        CUTS.add(CutOff.from(CutOff.GROUP, lab.node(3)));

        LabNode node2 = lab.node(2);
        Sql.exec(node2.jdbcUrl("postgres"), "postgres", "SELECT pg_promote(true, 30)");
        Sql.exec(node2.jdbcUrl("repmgr"), "repmgr", "UPDATE repmgr.nodes SET type = 'primary', upstream_node_id = NULL"
                + " WHERE node_id = 2; UPDATE repmgr.nodes SET active = false WHERE node_id = 1");
        String system = Sql.one(node2.jdbcUrl("postgres"), "postgres",
                "SELECT " + EpochSql.SYSTEM_IDENTIFIER);
        assertThat(fencing.awaitTrue(Duration.ofSeconds(10), () -> "2".equals(timeline(node2))))
                .as("node2 writes on timeline 2").isTrue();
        announced = new MasterPromoted(MasterPromoted.SCHEMA_VERSION, UUID.randomUUID(), FaultKit.CLUSTER,
                Instant.now(), "node2", Trigger.MANUAL, null, new NodeRef(2, "node2", node2.address(), node2.pgPort()),
                null, new Epoch(2, system));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                lab.kafkaBootstrap(), "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(new Topics(fencing.configs().topicPrefix()).promotions(),
                    Topics.promotionKey(FaultKit.CLUSTER), EventJson.toBytes(announced))).get(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        CUTS.forEach(CutOff::close);
        if (fencing != null) {
            fencing.close();
        }
    }

    @Test
    @Order(1)
    void everyAgentClosesRwAndKeepsItClosedForTheWholePartition(Lab lab) {
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, p).stream()
                    .anyMatch(a -> announced.eventId().equals(a.eventId()) && a.status() == AckStatus.FENCED_CLOSED)))
                    .as(p.host() + " answers the promotion FENCED_CLOSED").isTrue();
        }
        assertClosedThroughout(lab, lab.pgbouncers(), PARTITION_WATCH);
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThatThrownBy(() -> Sql.exec(p.jdbcUrl("appdb-rw", "app"), "app",
                    "INSERT INTO t(note, via) VALUES ('partition', '" + p.host() + "')"))
                    .as(p.host() + ": no write reaches node1").isInstanceOf(SQLException.class);
        }
    }

    @Test
    @Order(2)
    void anAgentRestartedWithoutItsStateFileReadsTheFloorBackFromTheTopicAndStaysClosed(Lab lab) throws Exception {
        LabPgbouncer pgb3 = lab.pgbouncer(3);
        fencing.stopAgent(pgb3);
        Files.delete(fencing.configs().agentStateDir(pgb3).resolve(EpochStore.FILE_NAME));
        Instant restarted = Instant.now();
        fencing.startAgentInGroup(pgb3, CutOff.GROUP);
        assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, pgb3).stream()
                .anyMatch(a -> a.timings().receivedAt().isAfter(restarted))))
                .as("the restarted agent reconciled").isTrue();
        assertClosedThroughout(lab, List.of(pgb3), PARTITION_WATCH);
        assertThat(FaultKit.acks(fencing, pgb3).stream().filter(a -> a.timings().receivedAt().isAfter(restarted)))
                .as("every ack since the restart").isNotEmpty()
                .allSatisfy(a -> assertThat(a.status()).isEqualTo(AckStatus.FENCED_CLOSED));
    }

    @Test
    @Order(3)
    void afterThePartitionEveryHostConvergesOnTheNewPrimary(Lab lab) throws Exception {
        CUTS.forEach(CutOff::close);
        assertThat(fencing.awaitRouted("appdb-rw", lab.node(2), FaultKit.FENCING))
                .as("every pgbouncer routes to node2 after the partition").isTrue();
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(Sql.one(p.jdbcUrl("appdb-rw", "app"), "app",
                    "SELECT " + EpochSql.PRIMARY_TIMELINE))
                    .as(p.host() + " writes on timeline 2").isEqualTo("2");
        }
    }

    /** Every {@code pgbouncers}' appdb-rw is closed (routes nowhere, disabled) at every look during {@code span}. */
    private static void assertClosedThroughout(Lab lab, List<LabPgbouncer> pgbouncers, Duration span) {
        Instant end = Instant.now().plus(span);
        int looks = 0;
        while (Instant.now().isBefore(end)) {
            for (LabPgbouncer p : pgbouncers) {
                String target = Fencing.target(p, "appdb-rw");
                if (!target.contains("/nonexistent") || !target.endsWith("disabled")) {
                    fail(p.host() + " re-opened rw during the partition after " + looks + " looks: " + target
                            + "\n" + FaultKit.agentLog(fencing, p));
                }
            }
            looks++;
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        assertThat(looks).isGreaterThan(10);
    }

    private static String timeline(LabNode node) {
        try {
            return Sql.one(node.jdbcUrl("postgres"), "postgres",
                    "SELECT " + EpochSql.PRIMARY_TIMELINE);
        } catch (SQLException e) {
            return "unreachable: " + e.getMessage();
        }
    }
}
