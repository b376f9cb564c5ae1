package org.pgfence.audit.pgbouncer;

/** The admin console could not be reached, or a command on it failed; the message names host, port and command. */
public final class AdminConsoleException extends Exception {
    private static final long serialVersionUID = 1L;

    public AdminConsoleException(String message, Throwable cause) {
        super(message, cause);
    }
}
