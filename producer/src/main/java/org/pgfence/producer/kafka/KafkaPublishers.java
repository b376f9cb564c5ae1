package org.pgfence.producer.kafka;

import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.pgfence.events.PgfenceEvent;
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
