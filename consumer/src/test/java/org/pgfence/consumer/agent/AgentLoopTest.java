package org.pgfence.consumer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.config.AgentConfigLoader;
import org.pgfence.consumer.http.Metrics;
import org.pgfence.consumer.state.StatusBoard;
import org.pgfence.events.AckStatus;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.events.testing.MutableClock;
import org.pgfence.process.ConfigReader;
import org.pgfence.process.Threads;
import org.pgfence.runtime.kafka.EventPublisher;

/**
 * The agent loop's contract with Kafka, on MockConsumer and MockProducer, around the real fencing pointed at
 * addresses where nothing listens (every decision fences closed, every apply fails): an event's offset is committed
 * only after its ack was published; an ack Kafka does not take rewinds the partition to the event and pauses it;
 * a poison record is acked FAILED and passed; an event of a cluster this host does not serve is passed silently.
 * (With a live cluster and pgbouncer, the lab ITs.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentLoopTest {
    private static final String TOPIC = "pgfence.promotions";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));
    private final Metrics metrics = new Metrics();
    private final java.util.concurrent.atomic.AtomicInteger wakeups = new java.util.concurrent.atomic.AtomicInteger();
    private final MockConsumer<String, Decoded> promotions = new MockConsumer<>(OffsetResetStrategy.EARLIEST) {
        @Override
        public synchronized void wakeup() {
            wakeups.incrementAndGet();
            super.wakeup();
        }
    };
    private MockProducer<String, PgfenceEvent> kafka;
    private HostFencing fencing;
    private AgentLoop loop;
    private Thread owner;

    private void start(boolean kafkaTakesAcks, ConsumerRecord<String, Decoded> record) throws Exception {
        start(kafkaTakesAcks, record, emptyTopic());
    }

    private void start(boolean kafkaTakesAcks, ConsumerRecord<String, Decoded> record,
                       MockConsumer<String, Decoded> floorReader) throws Exception {
        AgentConfig config = AgentConfigLoader.from(ConfigReader.of("test", Map.of(
                "host", "pgb1",
                "kafka", Map.of("bootstrapServers", "127.0.0.1:1"),
                "applyTimeout", "10s", // the floor read's bound: 2 x applyTimeout on the (frozen) test clock
                "reconcileInterval", "2s",
                "clusters", List.of(Map.of("name", "main", "connectTimeout", "500ms",
                        "nodes", List.of(Map.of("host", "127.0.0.1", "port", "1")))),
                "databases", List.of(Map.of("name", "appdb-rw", "cluster", "main", "role", "rw", "dbname", "appdb")),
                "pgbouncer", Map.of("databaseIni", dir.resolve("db.ini").toString(), "admin", Map.of("port", "1")),
                "stateDir", dir.resolve("state").toString()), Map.of()));
        StatusBoard status = new StatusBoard();
        fencing = new HostFencing(config, "pgb1/test", status, metrics, clock);
        fencing.epochs().rebuilt(); // the floor is known: the loop reconciles first, then reads the topic
        kafka = new MockProducer<>(kafkaTakesAcks, null, new StringSerializer(), (t, e) -> new byte[0]);
        EventPublisher publisher = new EventPublisher(kafka, config.kafka().topics(), Duration.ofMillis(300));
        promotions.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
        promotions.updateBeginningOffsets(Map.of(TP, 0L));
        promotions.schedulePollTask(() -> {
            promotions.rebalance(List.of(TP));
            promotions.seek(TP, 0);
            promotions.addRecord(record);
        });
        FloorRebuild rebuild = new FloorRebuild(config, () -> floorReader, fencing.epochs(), fencing.reconciler()::maintenance, clock);
        loop = new AgentLoop(config, promotions, fencing.reconciler(), publisher,
                new Heartbeats(config, "pgb1/test", "test", clock, status), fencing.acks(), metrics, clock, rebuild);
        owner = Threads.start("agent-loop-test", loop);
    }

    private static MockConsumer<String, Decoded> emptyTopic() {
        MockConsumer<String, Decoded> c = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        c.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
        c.updateBeginningOffsets(Map.of(TP, 0L));
        c.updateEndOffsets(Map.of(TP, 0L));
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.shutdown();
            owner.join(10_000);
            assertThat(owner.isAlive()).as("the loop stops on shutdown").isFalse();
        }
        if (fencing != null) {
            fencing.close();
        }
    }

    private static ConsumerRecord<String, Decoded> event(MasterPromoted e) {
        return new ConsumerRecord<>(TOPIC, 0, 0, e.cluster(), Decoded.of(e));
    }

    private List<FencingAck> acksOf(MasterPromoted e) {
        return kafka.history().stream().map(ProducerRecord::value).filter(FencingAck.class::isInstance)
                .map(FencingAck.class::cast).filter(a -> e.eventId().equals(a.eventId())).toList();
    }

    private Long committed() {
        OffsetAndMetadata o = promotions.committed(java.util.Set.of(TP)).get(TP);
        return o == null ? null : o.offset();
    }

    @Test
    void anEventIsAckedThenItsOffsetCommitted() throws Exception {
        MasterPromoted e = AcksTest.event(2);
        start(true, event(e));
        await().atMost(Duration.ofSeconds(30)).until(() -> committed() != null);
        assertThat(committed()).isEqualTo(1L);
        assertThat(acksOf(e)).as("the ack of the event, published before the commit").hasSize(1);
        assertThat(acksOf(e).get(0).status()).as("no reachable node: rw closed, and pgbouncer is down")
                .isIn(AckStatus.FAILED, AckStatus.FENCED_CLOSED);
        assertThat(fencing.epochs().floor("main")).as("the announced epoch raised the floor").contains(e.epoch());
    }

    @Test
    void anAckKafkaDoesNotTakeRewindsToTheEventAndPausesInsteadOfCommitting() throws Exception {
        MasterPromoted e = AcksTest.event(2);
        start(false, event(e));
        await().atMost(Duration.ofSeconds(30)).until(() -> !promotions.paused().isEmpty() || committed() != null);
        assertThat(committed()).as("never committed without its ack").isNull();
        assertThat(promotions.paused()).containsExactly(TP);
        assertThat(promotions.position(TP)).as("rewound to the event, to handle it again").isZero();
        assertThat(acksOf(e)).as("the ack was attempted").isNotEmpty();
    }

    @Test
    void aPoisonRecordIsAckedFailedAndPassed() throws Exception {
        byte[] raw = "{not json".getBytes(StandardCharsets.UTF_8);
        start(true, new ConsumerRecord<>(TOPIC, 0, 0, "main", Decoded.poison(raw, new IllegalArgumentException("bad"))));
        await().atMost(Duration.ofSeconds(30)).until(() -> committed() != null);
        assertThat(committed()).isEqualTo(1L);
        assertThat(kafka.history().stream().map(ProducerRecord::value).filter(FencingAck.class::isInstance)
                .map(FencingAck.class::cast).filter(a -> a.error() != null && a.error().startsWith("poison record")))
                .singleElement().satisfies(a -> assertThat(a.status()).isEqualTo(AckStatus.FAILED));
        assertThat(metrics.prometheus()).contains("pgfence_agent_poison_records_total 1");
    }

    @Test
    void anEventOfAClusterThisHostDoesNotServeIsPassedWithoutAnAck() throws Exception {
        MasterPromoted other = new MasterPromoted(1, java.util.UUID.randomUUID(), "other", clock.instant(), "node2",
                AcksTest.event(2).trigger(), "standby_promote", AcksTest.event(2).newPrimary(), null,
                AcksTest.event(2).epoch());
        start(true, event(other));
        await().atMost(Duration.ofSeconds(30)).until(() -> committed() != null);
        assertThat(committed()).isEqualTo(1L);
        assertThat(acksOf(other)).isEmpty();
    }

    /**
     * Campaign seed 2026120309, step 133 (again after d6e2da5): an agent started while the broker was up reconciled
     * first, then read the promotions topic for its floor; the broker stopped in that moment and the read held the
     * loop thread for 2 x applyTimeout, in which the old primary came back writable and took writes through that
     * agent's pgbouncer. Reading the topic must not stop the loop from reconciling.
     */
    @Test
    void theLoopKeepsReconcilingWhileTheTopicReadForTheFloorHangs() throws Exception {
        MockConsumer<String, Decoded> hanging = emptyTopic();
        hanging.updateEndOffsets(Map.of(TP, 1L)); // one record it will never get: the read waits for it
        try {
            start(true, new ConsumerRecord<>(TOPIC, 0, 0, "main", Decoded.tombstone()), hanging);
            await().atMost(Duration.ofSeconds(30)).until(() -> reconcileAcks() >= 1);
            long before = reconcileAcks();
            clock.advance(Duration.ofSeconds(3)); // the next reconcile is due; the read's 20 s bound is not reached
            await().atMost(Duration.ofSeconds(10)).until(() -> reconcileAcks() > before);
        } finally {
            hanging.setPollException(new org.apache.kafka.common.KafkaException("test over"));
        }
    }

    /**
     * The loop polls up to {@link AgentLoop#MAX_POLL} (5 s) when nothing is due: a floor read that ends (read or failed)
     * wakes it, so its floors are applied and the clusters decided again at once, not a poll later.
     */
    @Test
    void aFloorReadThatEndsWakesTheLoop() throws Exception {
        MockConsumer<String, Decoded> hanging = emptyTopic();
        hanging.updateEndOffsets(Map.of(TP, 1L)); // one record it will never get: the read waits for it
        start(true, new ConsumerRecord<>(TOPIC, 0, 0, "main", Decoded.tombstone()), hanging);
        await().atMost(Duration.ofSeconds(30)).until(() -> reconcileAcks() >= 1);
        int before = wakeups.get();
        hanging.setPollException(new org.apache.kafka.common.KafkaException("the broker went away")); // the read ends
        await().atMost(Duration.ofSeconds(10)).until(() -> wakeups.get() > before);
    }

    private long reconcileAcks() {
        return kafka.history().stream().map(ProducerRecord::value).filter(FencingAck.class::isInstance)
                .map(FencingAck.class::cast).filter(a -> a.eventId() == null && (a.error() == null
                        || !a.error().startsWith("poison"))).count();
    }
}
