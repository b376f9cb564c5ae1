package org.pgfence.consumer.agent;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.pgfence.events.AgentHeartbeat;
import org.pgfence.events.FencingAck;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.Topics;

/** Publishes acks and heartbeats, each send waited for with a bound. */
public final class AgentPublisher implements AutoCloseable {
    private final Producer<String, PgfenceEvent> producer;
    private final Topics topics;
    private final Duration timeout;

    public AgentPublisher(Producer<String, PgfenceEvent> producer, Topics topics, Duration timeout) {
        this.producer = producer;
        this.topics = topics;
        this.timeout = timeout;
    }

    /** Publishes {@code ack} and waits until Kafka has it (acks=all); throws if it did not in time. */
    public void ack(FencingAck ack) throws PublishException, InterruptedException {
        send(new ProducerRecord<>(topics.acks(), Topics.ackKey(ack.cluster(), ack.host()), ack));
    }

    public void heartbeat(AgentHeartbeat heartbeat) throws PublishException, InterruptedException {
        send(new ProducerRecord<>(topics.agents(), Topics.agentKey(heartbeat.host()), heartbeat));
    }

    private void send(ProducerRecord<String, PgfenceEvent> record) throws PublishException, InterruptedException {
        try {
            producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new PublishException("publishing to " + record.topic() + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("publishing to " + record.topic() + " timed out after " + timeout.toMillis()
                    + "ms", e);
        } catch (RuntimeException e) {
            throw new PublishException("publishing to " + record.topic() + " failed: " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close(timeout);
    }

    /** A record Kafka did not take in time; the caller keeps the trigger to retry it. */
    public static final class PublishException extends Exception {
        private static final long serialVersionUID = 1L;

        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
