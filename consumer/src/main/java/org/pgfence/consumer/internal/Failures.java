package org.pgfence.consumer.internal;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientException;

/**
 * The one classifier of failures at the PostgreSQL/pgbouncer boundary. Retriable: connection trouble
 * (SQLState class 08, 57P0x shutdown, 53300 too many connections) and I/O. Fatal: authentication and
 * authorisation (28xxx, 42501), and everything else a retry cannot fix (syntax, missing objects).
 */
public final class Failures {
    private Failures() {
    }

    public static boolean retriable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && e.getSQLState() != null) {
                String s = e.getSQLState();
                return s.startsWith("08") || s.startsWith("57P0") || s.equals("53300");
            }
            if (c instanceof SQLTransientException || c instanceof SocketTimeoutException || c instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
