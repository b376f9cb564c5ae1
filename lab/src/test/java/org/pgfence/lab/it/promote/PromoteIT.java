package org.pgfence.lab.it.promote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.pgfence.events.FormerPrimary;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabSpec;
import org.pgfence.lab.NodeState;
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.lab.drill.EventWatch;
import org.pgfence.runtime.kafka.KafkaSettings;
import org.pgfence.runtime.kafka.TopicInstaller;

/**
 * {@code pgfence promote} and {@code pgfence notify} wired into repmgrd exactly as {@link DrillConfigs#wireRepmgrd()}
 * does, on a real lab, through one story that moves the primary four times:
 * failover node1 → node2 (timeline 2), switchover back to node1 (3), a failover with a broken Kafka address (4),
 * a promotion with the broker stopped (5), then the spool delivered once the broker is back.
 * The class runs its own broker process so it can stop it and bring it back at the same address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class PromoteIT {
    private static final String CLUSTER = "promote-it";
    private static final Duration EVENT = Duration.ofSeconds(60);
    private static final Duration FAILOVER = Duration.ofSeconds(60);
    private static OwnBroker broker;
    private static Lab lab;
    private static DrillConfigs configs;
    private static KafkaSettings kafka;

    @BeforeAll
    static void labWithOwnBrokerAndRepmgrdWiredToPgfence() throws Exception {
        String net = System.getenv().getOrDefault("PGFENCE_LAB_NET", LabExtension.TEST_NET);
        broker = OwnBroker.on(net + ".1");
        CompletableFuture<Void> brokerUp = CompletableFuture.runAsync(() -> {
            try {
                broker.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test broker", e);
            }
        });
        LabSpec spec = new LabSpec(net, Files.createTempDirectory("pgfence-lab-PromoteIT-"), 3, 0,
                LabSpec.KafkaMode.EXTERNAL, broker.bootstrap());
        lab = Lab.up(spec, System.out);
        brokerUp.get();
        String prefix = "promote-it-" + UUID.randomUUID().toString().substring(0, 8);
        configs = new DrillConfigs(lab, CLUSTER, prefix, Duration.ofSeconds(5), false).write();
        configs.wireRepmgrd();
        kafka = new KafkaSettings(broker.bootstrap(), new Topics(prefix), Map.of());
        TopicInstaller.ensure(kafka, Duration.ofSeconds(60));
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (lab != null) {
                lab.close();
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    @Order(1)
    void killingNode1AnnouncesNode2OnTimeline2FromPromoteAndNotifyWithOnePromotionKey() throws Exception {
        String systemId = lab.probe(2).map(NodeState::systemIdentifier).orElseThrow();
        List<MasterPromoted> tl2;
        try (EventWatch watch = new EventWatch(kafka, Clock.systemUTC())) {
            lab.stopNode(1);
            assertThat(watch.await(EVENT, () -> fromPromote(watch, 2).size() == 1 && fromNotify(watch, 2).size() >= 1))
                    .as("master-promoted from promote and from notify on timeline 2; seen %s", watch.all()).isTrue();
            tl2 = watch.events(MasterPromoted.class, e -> e.epoch().timeline() == 2);
        }
        MasterPromoted promoted = tl2.stream().filter(e -> e.repmgrEvent() == null).findFirst().orElseThrow();
        assertThat(promoted.trigger()).isEqualTo(Trigger.REPMGRD_FAILOVER);
        assertThat(promoted.cluster()).isEqualTo(CLUSTER);
        assertThat(promoted.newPrimary()).isEqualTo(new NodeRef(2, "node2", lab.node(2).address(), 5432));
        assertThat(promoted.formerPrimary()).isEqualTo(new FormerPrimary(1, "node1"));
        assertThat(promoted.epoch().systemIdentifier()).isEqualTo(systemId);
        assertThat(tl2).allSatisfy(e -> {
            assertThat(e.promotionKey()).isEqualTo(promoted.promotionKey());
            assertThat(e.newPrimary()).isEqualTo(promoted.newPrimary());
        });
        // promote publishes before the hook script that wraps it logs its END line
        await().atMost(FAILOVER).untilAsserted(() -> assertThat(failoverLog()).containsPattern("node2 promote_command END rc=0"));
        List<PromotionsTopic.Record> raw = PromotionsTopic.readAll(kafka.bootstrapServers(), kafka.topics().promotions(),
                EVENT);
        assertThat(raw).extracting(PromotionsTopic.Record::json)
                .as("host and port parsed out of repmgr's conninfo; the conninfo itself never travels")
                .isNotEmpty().noneMatch(j -> j.contains("conninfo") || j.contains("connect_timeout") || j.contains("dbname"));
    }

    @Test
    @Order(2)
    void switchoverToNode1IsAnnouncedByNotifyAloneOnItsNewTimeline() {
        lab.startNode(1); // back as a stale primary, then rewound onto node2
        lab.rejoin(1, 2);
        await().atMost(FAILOVER).until(() -> lab.probe(1).map(p -> p.inRecovery() && p.timeline() == 2).orElse(false));
        long promoteRuns = count(failoverLog(), "promote_command START");
        try (EventWatch watch = new EventWatch(kafka, Clock.systemUTC())) {
            lab.switchover(1);
            int timeline = lab.probe(1).filter(p -> !p.inRecovery()).map(NodeState::timeline).orElseThrow();
            assertThat(timeline).isEqualTo(3);
            assertThat(watch.await(EVENT, () -> !switchedTo1(watch).isEmpty()))
                    .as("master-promoted for node1 from the switchover; seen %s", watch.all()).isTrue();
            MasterPromoted e = switchedTo1(watch).get(0);
            assertThat(e.newPrimary()).isEqualTo(new NodeRef(1, "node1", lab.node(1).address(), 5432));
            assertThat(e.epoch().timeline()).isEqualTo(timeline);
            watch.events(MasterPromoted.class, s -> s.trigger() == Trigger.SWITCHOVER)
                    .forEach(s -> assertThat(s.formerPrimary()).isEqualTo(new FormerPrimary(2, "node2")));
        }
        assertThat(count(failoverLog(), "promote_command START"))
                .as("a switchover never runs promote_command: notify alone fences it").isEqualTo(promoteRuns);
    }

    @Test
    @Order(3)
    void aBrokenKafkaAddressNeverFailsTheFailover() throws Exception {
        setEverywhere("kafka", "bootstrapServers", "kafka.invalid:9092");
        long ends = count(failoverLog(), "promote_command END rc=0");
        long completed = count(eventsLog(), "e=repmgrd_failover_promote s=1");
        lab.stopNode(1);
        LabNode promoted = lab.awaitSinglePrimary(1, FAILOVER);
        await().atMost(FAILOVER).until(() -> count(failoverLog(), "promote_command END rc=0") == ends + 1);
        assertThat(failoverLog()).contains(promoted.name() + " promote_command END rc=0");
        await().atMost(FAILOVER).untilAsserted(() -> assertThat(count(eventsLog(), "e=repmgrd_failover_promote s=1"))
                .as("repmgrd raises repmgrd_failover_promote only after promote_command exited 0")
                .isEqualTo(completed + 1));
        assertThat(eventsLog()).contains(promoted.name() + " n=" + promoted.id() + " e=repmgrd_failover_promote s=1");
        int timeline = lab.probe(promoted.id()).map(NodeState::timeline).orElseThrow();
        assertThat(ProducerFiles.spooled(configs.spoolDir(promoted.id())))
                .as("the announcement waits in the spool")
                .anySatisfy(e -> {
                    assertThat(e.repmgrEvent()).isNull();
                    assertThat(e.newPrimary().nodeId()).isEqualTo(promoted.id());
                    assertThat(e.epoch().timeline()).isEqualTo(timeline);
                });
    }

    @Test
    @Order(4)
    void withTheBrokerStoppedPromoteExits0AndTheSpoolIsDeliveredExactlyOnceWhenItIsBack() throws Exception {
        setEverywhere("kafka", "bootstrapServers", broker.bootstrap());
        setEverywhere("publish", "deadline", "2s"); // what the broker being down may cost each run
        int primary = lab.currentPrimary().map(LabNode::id).orElseThrow();
        int standby = lab.nodes().stream().mapToInt(LabNode::id).filter(id -> id != 1 && id != primary).findFirst().orElseThrow();
        // whether repmgrd's follower re-attached after the last failover is repmgr's business, not ours:
        // make the standby a streaming standby of the current primary before promoting it
        if (!lab.probe(standby).map(p -> p.inRecovery()).orElse(false)
                || lab.probe(standby).map(NodeState::timeline).orElse(0)
                        < lab.probe(primary).map(NodeState::timeline).orElse(0)) {
            lab.rejoin(standby, primary);
        }
        await().atMost(FAILOVER).until(() -> lab.probe(standby).map(p -> p.inRecovery()
                && p.timeline() == lab.probe(primary).map(NodeState::timeline).orElse(-1)).orElse(false));
        int nextTimeline = lab.probe(primary).map(NodeState::timeline).orElseThrow() + 1;
        broker.stop();
        lab.stopRepmgrd(standby); // this promotion is the operator's, by hand, with the real default promote command
        lab.stopNode(primary);
        AsPostgres.Result promote = AsPostgres.run(Duration.ofSeconds(90), lab.pgfenceCommand().toString(), "promote",
                "--config", configs.promoteConfig(standby).toString());
        assertThat(promote.exitCode()).as(promote.output()).isZero();
        assertThat(lab.probe(standby)).hasValueSatisfying(p -> assertThat(p.inRecovery()).isFalse());
        assertThat(promote.output()).contains("stays spooled");
        List<MasterPromoted> spooled = new ArrayList<>(ProducerFiles.spooled(configs.spoolDir(standby)));
        assertThat(spooled).anySatisfy(e -> {
            assertThat(e.repmgrEvent()).isNull();
            assertThat(e.newPrimary().nodeId()).isEqualTo(standby);
            assertThat(e.epoch().timeline()).isEqualTo(nextTimeline);
        });
        spooled.addAll(ProducerFiles.spooled(configs.spoolDir(primary)));
        Set<UUID> ids = spooled.stream().map(MasterPromoted::eventId).collect(Collectors.toSet());

        broker.start();
        setEverywhere("publish", "deadline", "20s"); // a broker just back, on a loaded box, may take seconds to ack
        flushBoth(standby, primary);
        Map<UUID, Long> counts = PromotionsTopic.countsById(read());
        assertThat(ids).allSatisfy(id -> assertThat(counts).containsEntry(id, 1L));

        flushBoth(standby, primary);
        Map<UUID, Long> again = PromotionsTopic.countsById(read());
        assertThat(ids).allSatisfy(id -> assertThat(again).containsEntry(id, 1L));
        assertThat(ProducerFiles.spooled(configs.spoolDir(standby))).isEmpty();
        assertThat(ProducerFiles.spooled(configs.spoolDir(primary))).isEmpty();
    }

    /**
     * Issue #15 hole 6: a promote.yaml that does not load (here an unknown key, as a typo in an upgrade leaves) made
     * {@code pgfence promote} exit 3 before the promotion ran, so repmgrd's failover did not happen. Now the error is
     * logged and the promotion still runs: repmgrd promotes, promote_command ends 0.
     */
    @Test
    @Order(5)
    void aPromoteYamlThatDoesNotLoadStillPromotes() throws Exception {
        int primary = lab.currentPrimary().map(LabNode::id).orElseThrow();
        // both other nodes back as standbys of the primary, each with a fresh repmgrd: a standby that sees neither
        // its upstream nor a sibling after the crash has no majority and rightly promotes nothing
        for (LabNode n : lab.nodes()) {
            if (n.id() != primary) {
                lab.rejoin(n.id(), primary);
                lab.stopRepmgrd(n.id());
            }
        }
        for (LabNode n : lab.nodes()) {
            if (n.id() != primary) {
                lab.awaitAttached(n.id(), primary, FAILOVER);
                lab.startRepmgrd(n.id());
            }
        }
        if (!lab.repmgrdRunning(primary)) {
            lab.startRepmgrd(primary);
        }
        lab.awaitRepmgrdWatching(primary, FAILOVER);
        for (LabNode n : lab.nodes()) {
            ProducerFiles.set(configs.promoteConfig(n.id()), "noSuchSection", "typo", "1");
        }
        long ends = count(failoverLog(), "promote_command END rc=0");
        lab.stopNode(primary);
        LabNode promoted = lab.awaitSinglePrimary(primary, FAILOVER);
        assertThat(promoted.id()).isNotEqualTo(primary);
        await().atMost(FAILOVER).until(() -> count(failoverLog(), "promote_command END rc=0") == ends + 1);
        assertThat(failoverLog()).contains(promoted.name() + " promote_command END rc=0");
    }

    private static void setEverywhere(String section, String key, String value) throws java.io.IOException {
        for (LabNode n : lab.nodes()) {
            ProducerFiles.set(configs.promoteConfig(n.id()), section, key, value);
        }
    }

    private static void flushBoth(int... nodes) throws Exception {
        for (int node : nodes) {
            AsPostgres.Result flush = AsPostgres.run(Duration.ofSeconds(60), lab.pgfenceCommand().toString(), "spool",
                    "flush", "--config", configs.promoteConfig(node).toString());
            assertThat(flush.exitCode()).as(flush.output()).isZero();
        }
    }

    private static List<PromotionsTopic.Record> read() {
        return PromotionsTopic.readAll(kafka.bootstrapServers(), kafka.topics().promotions(), EVENT);
    }

    private static List<MasterPromoted> fromPromote(EventWatch watch, int timeline) {
        return watch.events(MasterPromoted.class, e -> e.epoch().timeline() == timeline && e.repmgrEvent() == null);
    }

    private static List<MasterPromoted> fromNotify(EventWatch watch, int timeline) {
        return watch.events(MasterPromoted.class, e -> e.epoch().timeline() == timeline && e.repmgrEvent() != null);
    }

    private static List<MasterPromoted> switchedTo1(EventWatch watch) {
        return watch.events(MasterPromoted.class, e -> e.newPrimary().nodeId() == 1
                && (e.trigger() == Trigger.SWITCHOVER || e.trigger() == Trigger.STANDBY_PROMOTE));
    }

    private static String failoverLog() {
        return read(lab.dir().resolve("failover.log"));
    }

    private static String eventsLog() {
        return read(lab.dir().resolve("events.log"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long count(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).count();
    }
}
