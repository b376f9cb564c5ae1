package org.pgfence.producer.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.Topics;
import org.pgfence.runtime.Deadline;
import org.pgfence.runtime.kafka.KafkaSettings;

/**
 * Publishes to {@code <prefix>.promotions}, key = cluster, with the {@link KafkaSettings} producer
 * (acks=all, idempotence, {@code max.block.ms} and {@code delivery.timeout.ms} bounded by the budget),
 * waiting for the ack no longer than the session deadline. The producer comes from {@link KafkaPublishers}
 * on the first publish, so a run with nothing to send creates none.
 */
public final class KafkaPublisher implements Publisher {
    private final KafkaSettings settings;
    private final KafkaPublishers source;
    private final Deadline session;
    private KafkaProducer<String, PgfenceEvent> producer;
    private boolean failed;

    KafkaPublisher(KafkaSettings settings, KafkaPublishers source, Deadline session) {
        this.settings = settings;
        this.source = source;
        this.session = session;
    }

    @Override
    public void publish(MasterPromoted event) throws PublishException {
        Instant start = session.clock().instant();
        if (session.expired()) {
            throw failure(event, "the publish deadline has passed", start, null);
        }
        try {
            ProducerRecord<String, PgfenceEvent> record = new ProducerRecord<>(settings.topics().promotions(),
                    Topics.promotionKey(event.cluster()), event);
            producer().send(record).get(Math.max(session.remainingMillis(), 1), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(event, String.valueOf(e.getCause()), start, e.getCause());
        } catch (TimeoutException e) {
            throw failure(event, "no ack within the publish deadline", start, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(event, "interrupted", start, e);
        } catch (RuntimeException e) {
            throw failure(event, e.toString(), start, e);
        }
    }

    private PublishException failure(MasterPromoted event, String what, Instant start, Throwable cause) {
        failed = true;
        long ms = Duration.between(start, session.clock().instant()).toMillis();
        return new PublishException(event.eventId(), what + " (bootstrap " + settings.bootstrapServers()
                + ", topic " + settings.topics().promotions() + ")", ms, cause);
    }

    private KafkaProducer<String, PgfenceEvent> producer() {
        if (producer == null) {
            producer = source.shared(session.remaining());
        }
        return producer;
    }

    /** Discards the producer after a failure (unsent records stay spooled); else it stays for the run. */
    @Override
    public void close() {
        if (producer != null && failed) {
            source.discard(producer);
        }
        producer = null;
    }
}
