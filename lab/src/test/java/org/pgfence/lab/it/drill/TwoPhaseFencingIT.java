package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.pgfence.lab.Exec;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.Sql;
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.lab.drill.DrillReport;
import org.pgfence.lab.drill.SwitchoverDrill;
import org.pgfence.lab.drill.Fencing;
import org.pgfence.lab.drill.Writers;

/**
 * Two-phase fencing on the real lab (DESIGN "Two-phase fencing", issue 18): on {@code fencing-started} every agent
 * PAUSEs appdb-rw and acks PAUSED; a client that writes meanwhile queues in pgbouncer, with no error, until either the
 * pause expires (it then lands on the primary that still verifies) or the promotion is verified (it then lands on the
 * new primary). Then {@code pgfence switchover} itself, with writers in transaction and in session pooling, and its
 * abort when an agent does not pause.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class TwoPhaseFencingIT {
    private static Fencing fencing;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start(Lab lab) {
        fencing = new Fencing(lab, new DrillConfigs(lab, FaultKit.CLUSTER, "it-twophase-" + UUID.randomUUID().toString()
                .substring(0, 8), FaultKit.RECONCILE, false).withTransactionPool(), Clock.systemUTC()).start(true);
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
        Duration pause = Duration.ofSeconds(4);
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

    /**
     * {@code pgfence demo --switchover}'s drill; its checks are this test's: 0 transaction-pool client errors, no stall
     * beyond repmgr's switchover + 1 s, every pgbouncer on node2, and each writer's writes moving once.
     */
    @Test
    @Order(2)
    void pgfenceSwitchoverLeavesTransactionPoolClientsWithoutAnErrorAndEveryPgbouncerOnTheNewPrimary(Lab lab) {
        LabNode target = lab.node(2);
        DrillReport report = new DrillReport(System.out);
        SwitchoverDrill.Outcome run = new SwitchoverDrill(fencing, report, Clock.systemUTC()).run(target);
        report.printSummary();

        assertThat(report.checks()).extracting(DrillReport.Check::name).containsExactly("agents up", "writes flowing",
                "pgfence switchover", "every pgbouncer on node2", "transaction pooling: no client error",
                "transaction pooling: longest stall within the switchover + 1 s",
                "no write on node1 after the first on node2");
        assertThat(report.checks()).allSatisfy(c -> assertThat(c.ok()).as(c.name() + ": " + c.detail()).isTrue());
        assertThat(run.output()).contains("switchover to node2 complete: every agent routes here");
        Matcher started = Pattern.compile("fencing-started (\\S+):").matcher(run.output());
        assertThat(started.find()).as(run.output()).isTrue();
        String intent = started.group(1);
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(Fencing.target(p, "appdb-rw")).isEqualTo(FaultKit.rw(target));
            assertThat(FaultKit.agentLog(fencing, p)).as(p.host() + " agent log")
                    .containsPattern("pause held for " + intent + " ended: promotion verified");
        }
        // the auditor's page of the promotion shows the hold before it, and when each host paused
        String base = "http://" + lab.layout().hubAddress() + ":" + DrillConfigs.AUDIT_HTTP_PORT;
        String[] page = {""};
        boolean shown = fencing.awaitTrue(Duration.ofSeconds(20), () -> {
            Matcher latest = Pattern.compile("<a href=\"/promotions/(\\d+)\">").matcher(FaultKit.get(base + "/promotions")
                    .getValue());
            page[0] = latest.find() ? FaultKit.get(base + "/promotions/" + latest.group(1)).getValue() : "";
            return page[0].contains("3 of 3 hosts acked PAUSED");
        });
        assertThat(shown).as(page[0]).isTrue();
        assertThat(page[0]).contains("two-phase fencing: fencing-started by node2 (switchover to node2) -")
                .containsPattern("data-host=\"node1\"><td>node1</td><td>ACKED</td><td>-\\d+ ms</td>");
    }

    @Test
    @Order(3)
    void anAgentThatDoesNotPauseAbortsTheSwitchoverAndTheOthersResume(Lab lab) throws Exception {
        LabNode primary = lab.currentPrimary().orElseThrow();
        LabNode candidate = lab.node(3);
        lab.awaitRepmgrdWatching(primary.id(), Duration.ofSeconds(60));
        LabPgbouncer silent = lab.pgbouncer(3);
        fencing.stopAgent(silent); // its last heartbeat is recent: it is expected, and never answers

        Exec.Result run = fencing.switchover(candidate, Duration.ofSeconds(3));

        System.out.println(run.output());
        assertThat(run.exitCode()).as(run.output()).isEqualTo(6);
        assertThat(run.output()).contains(silent.host() + ": no answer in 3 s").contains("NOT switched over");
        assertThat(lab.currentPrimary()).as("nothing switched").hasValue(primary);
        for (LabPgbouncer p : lab.pgbouncers()) {
            if (p != silent) {
                assertThat(fencing.awaitTrue(Duration.ofSeconds(10), () -> !paused(p) && !Fencing.target(p,
                        DrillConfigs.TX_DATABASE).contains(" paused"))).as(p.host() + " released at once").isTrue();
            }
        }
        Instant restarted = Instant.now();
        fencing.startAgent(silent);
        // the next test crashes the primary: the restarted agent must be running by then (under load its JVM took
        // more than 8 s to start, found the promotion already done, and never paused: a test race, seen in a fresh run)
        assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, silent).stream()
                .anyMatch(a -> a.status().isGood() && a.timings().receivedAt().isAfter(restarted))))
                .as(silent.host() + " agent back and reconciled").isTrue();
    }

    /**
     * A crash with {@code promote.pause}: repmgrd's {@code pgfence promote} publishes fencing-started before it promotes,
     * every agent PAUSEs, and transaction-pool clients queue while the standby is promoted instead of failing against
     * the lost primary; the promotion moves and resumes them. Errors before the pause (the primary lost, repmgrd not
     * yet acting) are the crash's; after a host acked PAUSED its clients see none.
     */
    @Test
    @Order(4)
    void withPromotePauseACrashQueuesTransactionPoolClientsWhileTheStandbyIsPromoted(Lab lab) throws Exception {
        LabNode old = lab.currentPrimary().orElseThrow();
        lab.awaitRepmgrdWatching(old.id(), Duration.ofSeconds(60));
        fencing.configs().promotePause(Duration.ofSeconds(20));
        Instant crash;
        Instant end;
        LabNode next;
        List<Writers.ClientError> errors;
        Map<String, Instant> pausedAt = new java.util.HashMap<>();
        UUID intent;
        try (Writers tx = new Writers(lab.pgbouncers(), Clock.systemUTC(), true, DrillConfigs.TX_DATABASE, 60)) {
            assertThat(fencing.awaitTrue(Duration.ofSeconds(20), () -> tx.stats().stream().allMatch(st -> st.inserted() >= 5)))
                    .as("writes flowing: " + tx.stats()).isTrue();
            crash = Instant.now();
            lab.stopNode(old.id());
            next = lab.awaitSinglePrimary(old.id(), Duration.ofSeconds(60));
            assertThat(fencing.watch().await(FaultKit.FENCING, () -> !fencing.watch().events(FencingStarted.class,
                    f -> f.intent() == FencingStarted.Intent.PROMOTION && f.occurredAt().isAfter(crash)).isEmpty()))
                    .as("pgfence promote published fencing-started; hooks.log:\n" + promoteLog(lab)).isTrue();
            FencingStarted first = fencing.watch().events(FencingStarted.class, f -> f.intent()
                    == FencingStarted.Intent.PROMOTION && f.occurredAt().isAfter(crash)).get(0);
            intent = first.eventId();
            assertThat(first.candidate().nodeId()).isEqualTo(next.id());
            for (LabPgbouncer p : lab.pgbouncers()) {
                assertThat(fencing.watch().await(FaultKit.FENCING, () -> FaultKit.acks(fencing, p).stream()
                        .anyMatch(a -> intent.equals(a.eventId()) && a.status() == AckStatus.PAUSED)))
                        .as(p.host() + " acks PAUSED: " + FaultKit.acks(fencing, p)).isTrue();
                pausedAt.put(p.host(), FaultKit.acks(fencing, p).stream().filter(a -> intent.equals(a.eventId())
                        && a.status() == AckStatus.PAUSED).findFirst().orElseThrow().timings().completedAt());
            }
            assertThat(fencing.awaitRouted(DrillConfigs.TX_DATABASE, next, FaultKit.FENCING)).as("every pgbouncer on "
                    + next.name()).isTrue();
            assertThat(fencing.awaitTrue(Duration.ofSeconds(10), () -> tx.drain().stream().filter(w -> w.server()
                    .equals(next.address())).map(Writers.Write::host).distinct().count() == lab.pgbouncers().size()))
                    .as("every writer writes on " + next.name()).isTrue();
            end = Instant.now();
            errors = tx.errorsBetween(crash, end);
        }
        // an error the client saw within 500 ms of its host's pause may have been on its way before it
        List<Writers.ClientError> afterPause = Writers.ClientError.afterPause(errors, pausedAt);
        System.out.printf("crash with promote.pause: %d transaction-pool client errors from the crash to every writer on"
                + " %s (%d ms), %d of them after their host paused; paused at %s%n", errors.size(), next.name(),
                Duration.between(crash, end).toMillis(), afterPause.size(), pausedAt);
        assertThat(afterPause).as("no client error once its pgbouncer paused").isEmpty();
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(fencing.awaitTrue(Duration.ofSeconds(10), () -> !Fencing.target(p, DrillConfigs.TX_DATABASE)
                    .contains(" paused") && !paused(p))).as(p.host() + " resumed").isTrue();
        }
        for (LabPgbouncer p : lab.pgbouncers()) {
            assertThat(FaultKit.agentLog(fencing, p)).as(p.host() + " agent log")
                    .containsPattern("pause held for " + intent + " ended: promotion verified");
        }
    }

    private static String promoteLog(Lab lab) {
        try {
            return java.nio.file.Files.readAllLines(lab.dir().resolve("hooks.log")).stream().filter(l -> l.contains(
                    "PromoteCommand") || l.contains("PromotionPause") || l.contains("pause")).reduce("", (a, b) -> a + b + "\n");
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
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
        // a client queued behind the pause waits as long as the switchover takes: no 10 s socket timeout
        try (Connection c = DriverManager.getConnection(p.jdbcUrl("appdb-rw", "app").replace("socketTimeout=10",
                "socketTimeout=60"));
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
