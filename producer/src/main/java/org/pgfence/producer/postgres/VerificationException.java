package org.pgfence.producer.postgres;

/** The local node could not be shown to be a primary in time; the message carries elapsed time and attempts. */
public final class VerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    public VerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
