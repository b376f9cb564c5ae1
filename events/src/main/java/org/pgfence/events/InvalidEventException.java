package org.pgfence.events;

/**
 * A record that is not a valid pgfence event: unparseable JSON, an unknown type, or a field that is
 * missing or malformed. {@link #field()} names the offending field (dotted path) when one is known.
 */
public final class InvalidEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidEventException(String field, String message) {
        this(field, message, null);
    }

    public InvalidEventException(String field, String message, Throwable cause) {
        super(field == null ? message : "field '" + field + "': " + message, cause);
        this.field = field;
    }

    /** The dotted path of the offending field, or {@code null} if the record is broken as a whole. */
    public String field() {
        return field;
    }
}
