package org.pgfence.consumer.pgbouncer;

/** The ini could not be written, or pgbouncer did not take it. The message is the ack's error. */
public final class ApplyException extends Exception {
    private static final long serialVersionUID = 1L;

    public ApplyException(String message, Throwable cause) {
        super(message, cause);
    }
}
