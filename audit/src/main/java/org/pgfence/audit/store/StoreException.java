package org.pgfence.audit.store;

import java.sql.SQLException;
import org.pgfence.runtime.Failure;

/**
 * A failure talking to the audit store, classified once: {@link Kind#UNAVAILABLE} (what {@link Failure} retries,
 * and a missing database: retry later), {@link Kind#AUTH} (SQLState 28xxx: never retried), {@link Kind#OTHER}.
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

    /**
     * By the one SQLState table ({@link Failure#sqlState}), with one addition for the auditor's own store: a missing
     * database (3D000) is waited for, since the auditor is a daemon that may start before its store is created.
     */
    static Kind classify(String sqlState) {
        if (sqlState == null) {
            return Kind.UNAVAILABLE;   // pgjdbc reports I/O failures without a state
        }
        if (Failure.sqlState(sqlState) == Failure.RETRIABLE || sqlState.equals("3D000")) {
            return Kind.UNAVAILABLE;
        }
        if (sqlState.startsWith("28")) {
            return Kind.AUTH;
        }
        return Kind.OTHER;
    }
}
