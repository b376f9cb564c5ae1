package org.pgfence.producer.kafka;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.pgfence.events.Epoch;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.Trigger;
import org.pgfence.events.kafka.Topics;
import org.pgfence.process.Threads;
import org.pgfence.runtime.Deadline;
import org.pgfence.runtime.kafka.KafkaSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka producer of one process run, created on first need or by {@link #prepare()}, which
 * {@code promote} calls while the promotion command runs: connecting, the idempotent producer's
 * InitProducerId and the topic metadata (about a second on a loaded box) then overlap the
 * promotion instead of following it. A producer that failed a publish is discarded.
 */
public final class KafkaPublishers implements Publishers {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPublishers.class);
    /** What {@link #rehearse} sends: never to the configured broker. */
    private static final MasterPromoted REHEARSAL = new MasterPromoted(MasterPromoted.SCHEMA_VERSION,
            new UUID(0, 0), "rehearsal", Instant.EPOCH, "rehearsal", Trigger.MANUAL, null,
            new NodeRef(1, "rehearsal", "localhost", 5432), null, new Epoch(1, "0"));
    private final KafkaSettings settings;
    private final String clientId;
    private final Duration budget;
    private KafkaProducer<String, PgfenceEvent> producer;

    public KafkaPublishers(KafkaSettings settings, String clientId, Duration budget) {
        this.settings = settings;
        this.clientId = clientId;
        this.budget = budget;
    }

    @Override
    public Publisher open(Deadline session) {
        return new KafkaPublisher(settings, this, session);
    }

    @Override
    public void prepare() {
        Threads.start("pgfence-kafka-prepare", this::connect);
    }

    private void connect() {
        try {
            shared(budget).partitionsFor(settings.topics().promotions());
            LOG.debug("Kafka producer ready ({})", settings.bootstrapServers());
        } catch (RuntimeException e) {
            LOG.debug("Kafka not ready ahead of need: {}", e.toString());
        }
    }

    /**
     * Sends one record through a producer of pgfence's own settings to a {@link StandInBroker} on loopback and waits
     * for its ack: the Kafka client's first record in this JVM (class initialisation, linking, the first pass through
     * the accumulator, sender and response handling) is then this one, not the announcement. The real broker sees
     * nothing of it. Blocks up to {@code budget}; any failure only costs the rehearsal. True if the record was acked.
     */
    public static boolean rehearse(KafkaSettings settings, Duration budget) {
        try (StandInBroker broker = new StandInBroker()) {
            KafkaProducer<String, PgfenceEvent> producer = new KafkaProducer<>(new KafkaSettings(broker.bootstrap(),
                    settings.topics(), Map.of()).producer("pgfence-rehearsal", budget));
            try {
                producer.send(new ProducerRecord<>(settings.topics().promotions(), Topics.promotionKey("rehearsal"),
                        REHEARSAL)).get(budget.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } finally {
                producer.close(Duration.ZERO);
            }
        } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
            LOG.debug("Kafka rehearsal incomplete: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** The shared producer; a new one blocks at most {@code maxBlock} per call. */
    synchronized KafkaProducer<String, PgfenceEvent> shared(Duration maxBlock) {
        if (producer == null) {
            producer = new KafkaProducer<>(settings.producer(clientId, maxBlock));
        }
        return producer;
    }

    /** Drops a producer that failed; unsent records stay spooled, so nothing is waited for. */
    synchronized void discard(KafkaProducer<String, PgfenceEvent> failed) {
        if (producer == failed) {
            producer = null;
        }
        closeBehind(failed);
    }

    /** Every record sent through this producer was acked or is still spooled: nothing to wait for. */
    @Override
    public synchronized void close() {
        if (producer != null) {
            closeBehind(producer);
            producer = null;
        }
    }

    /**
     * Closes on a daemon thread: nothing sent depends on it (every record was acked or stays spooled), and a command
     * that exits right after does not wait for it (joining the network thread and removing the client's metrics took
     * 10-17 ms of promote's exit; BENCHMARKS.md "Session 18"). A process that lives on closes it all the same.
     */
    private static void closeBehind(KafkaProducer<String, PgfenceEvent> p) {
        Threads.start("pgfence-kafka-close", () -> p.close(Duration.ZERO));
    }
}
