package org.pgfence.runtime.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.pgfence.events.AgentHeartbeat;
import org.pgfence.events.FencingAck;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.MaintenanceMode;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.Topics;

/**
 * Publishes acks (keyed cluster/host) and heartbeats (keyed host) to their topics, each send waited for with a
 * bound: a call returns once the broker acknowledged the record (acks=all), or throws {@link PublishException}.
 * The agent and the auditor's remediation share it; the producer's spool has its own publisher.
 */
public final class EventPublisher implements AutoCloseable {
    private final Producer<String, PgfenceEvent> producer;
    private final Topics topics;
    private final Duration timeout;

    public EventPublisher(Producer<String, PgfenceEvent> producer, Topics topics, Duration timeout) {
        this.producer = producer;
        this.topics = topics;
        this.timeout = timeout;
    }

    public void publish(FencingAck ack) throws PublishException, InterruptedException {
        send(new ProducerRecord<>(topics.acks(), Topics.ackKey(ack.cluster(), ack.host()), ack),
                "ack " + ack.ackId() + " of " + ack.host());
    }

    public void publish(AgentHeartbeat heartbeat) throws PublishException, InterruptedException {
        send(new ProducerRecord<>(topics.agents(), Topics.agentKey(heartbeat.host()), heartbeat),
                "heartbeat of " + heartbeat.host());
    }

    /** An operator's maintenance pause or resume, on the promotions topic under the cluster's maintenance key. */
    public void publish(MaintenanceMode mode) throws PublishException, InterruptedException {
        send(new ProducerRecord<>(topics.promotions(), Topics.maintenanceKey(mode.cluster()), mode),
                (mode.paused() ? "pause" : "resume") + " of " + mode.cluster());
    }

    /** A fencing-started intent, on the promotions topic under the cluster's fencing key. */
    public void publish(FencingStarted intent) throws PublishException, InterruptedException {
        send(new ProducerRecord<>(topics.promotions(), Topics.fencingKey(intent.cluster()), intent),
                "fencing-started " + intent.eventId() + " of " + intent.cluster());
    }

    /**
     * Hands {@code event} (an ack or a heartbeat) to the producer without waiting for the broker: for what nothing
     * waits for. {@code onDone} is told (on the producer's thread) null once Kafka took it, or why it did not; the
     * call itself blocks only while the producer has no metadata for the topic (at most {@code max.block.ms}), and
     * throws then.
     */
    public void publishAsync(PgfenceEvent event, java.util.function.Consumer<Exception> onDone) throws PublishException {
        ProducerRecord<String, PgfenceEvent> record;
        if (event instanceof FencingAck ack) {
            record = new ProducerRecord<>(topics.acks(), Topics.ackKey(ack.cluster(), ack.host()), ack);
        } else if (event instanceof AgentHeartbeat heartbeat) {
            record = new ProducerRecord<>(topics.agents(), Topics.agentKey(heartbeat.host()), heartbeat);
        } else {
            throw new IllegalArgumentException("only acks and heartbeats are published: " + event);
        }
        try {
            producer.send(record, (metadata, e) -> onDone.accept(e));
        } catch (RuntimeException e) {
            throw new PublishException("publishing to " + record.topic() + " failed: " + e, e);
        }
    }

    private void send(ProducerRecord<String, PgfenceEvent> record, String what)
            throws PublishException, InterruptedException {
        try {
            producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new PublishException("publishing " + what + " to " + record.topic() + " failed: " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("publishing " + what + " to " + record.topic() + " timed out after "
                    + timeout.toMillis() + "ms", e);
        } catch (RuntimeException e) {
            throw new PublishException("publishing " + what + " to " + record.topic() + " failed: " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close(timeout);
    }

    /** A record Kafka did not take in time; the caller decides what keeps it (a retried trigger, the store). */
    public static final class PublishException extends Exception {
        private static final long serialVersionUID = 1L;

        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
