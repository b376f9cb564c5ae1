package org.pgfence.pgbouncer.ini;

/** A value that could inject ini syntax; names the node (or database) and field it came from. */
public final class UnsafeValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String subject;
    private final String field;

    public UnsafeValueException(String subject, String field, String problem) {
        super("refusing " + field + " of " + subject + ": " + problem);
        this.subject = subject;
        this.field = field;
    }

    public String subject() {
        return subject;
    }

    public String field() {
        return field;
    }
}
