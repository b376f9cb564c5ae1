package org.pgfence.producer.kafka;

import java.util.UUID;
import org.pgfence.runtime.Failure;

/** An event the broker did not ack; {@link #failure()} says whether trying later may help. */
public final class PublishException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Failure failure;

    public PublishException(UUID eventId, String what, long elapsedMs, Throwable cause) {
        super("event " + eventId + " not acked after " + elapsedMs + "ms: " + what, cause);
        this.failure = cause == null ? Failure.RETRIABLE : Failure.of(cause);
    }

    public Failure failure() {
        return failure;
    }
}
