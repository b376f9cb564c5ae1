package org.pgfence.audit.store;

import java.sql.SQLException;

/**
 * A failure talking to the audit store, classified once: {@link Kind#UNAVAILABLE} (connection, SQLState 08xxx,
 * missing database: retry later), {@link Kind#AUTH} (SQLState 28xxx: never retried), {@link Kind#OTHER}.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind { UNAVAILABLE, AUTH, OTHER }

    private final Kind kind;

    public StoreException(String message, Kind kind, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Wraps {@code e} with {@code what} (the operation and its key data) and its classification. */
    public static StoreException of(String what, SQLException e) {
        Kind kind = classify(e.getSQLState());
        return new StoreException(what + ": " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", kind, e);
    }

    static Kind classify(String sqlState) {
        if (sqlState == null) {
            return Kind.UNAVAILABLE;   // pgjdbc reports I/O failures without a state
        }
        if (sqlState.startsWith("08") || sqlState.equals("3D000") || sqlState.startsWith("57P")) {
            return Kind.UNAVAILABLE;
        }
        if (sqlState.startsWith("28")) {
            return Kind.AUTH;
        }
        return Kind.OTHER;
    }
}
