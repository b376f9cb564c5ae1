package org.pgfence.audit.remediation;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.pgfence.events.FencingAck;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.Topics;

/** Publishes the auditor's own acks (remediation outcomes) to the acks topic, waiting at most the deadline. */
public final class AckPublisher implements AutoCloseable {
    private final Producer<String, PgfenceEvent> producer;
    private final Topics topics;
    private final Duration deadline;

    public AckPublisher(Producer<String, PgfenceEvent> producer, Topics topics, Duration deadline) {
        this.producer = producer;
        this.topics = topics;
        this.deadline = deadline;
    }

    /** Returns once the broker acknowledged the ack; throws if it did not within the deadline. */
    public void publish(FencingAck ack) throws PublishException {
        try {
            producer.send(new ProducerRecord<>(topics.acks(), Topics.ackKey(ack.cluster(), ack.host()), ack))
                    .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new PublishException("cannot publish ack " + ack.ackId() + " of " + ack.host() + " to "
                    + topics.acks() + " within " + deadline.toMillis() + "ms: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted publishing ack " + ack.ackId(), e);
        }
    }

    @Override
    public void close() {
        producer.close(deadline);
    }

    /** The ack could not be published; it is stored anyway. */
    public static final class PublishException extends Exception {
        private static final long serialVersionUID = 1L;

        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
