package org.pgfence.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.pgfence.process.ConfigException;

/**
 * What to do about a failure, decided once at the boundary and the same in every pgfence process:
 * {@link #RETRIABLE} (try again while the caller's deadline lasts) or {@link #FATAL} (retrying cannot help:
 * bad credentials, bad config, a bug). SQLStates: connection trouble (class 08), shutdown and recovery
 * (57P01 admin, 57P02 crash, 57P03 cannot connect now, 57P04 database dropped, 57P05 idle timeout) and
 * 53300 too many connections are retriable; everything else, authentication and authorisation (28xxx, 42501),
 * a database that does not exist (3D000: a retry does not create it) and syntax or missing objects, is fatal.
 * A JDBC {@link SQLTransientException} is retriable, as is any I/O failure and timeout.
 */
public enum Failure {
    RETRIABLE,
    FATAL;

    /** Classifies {@code t}, looking through wrappers ({@link ExecutionException}, causes). */
    public static Failure of(Throwable t) {
        for (Throwable cur = t; cur != null; cur = cur.getCause()) {
            Failure direct = direct(cur);
            if (direct != null) {
                return direct;
            }
            if (cur.getCause() == cur) {
                break;
            }
        }
        return FATAL;
    }

    public static boolean retriable(Throwable t) {
        return of(t) == RETRIABLE;
    }

    private static Failure direct(Throwable t) {
        if (t instanceof SQLException sql) {
            Failure byState = sqlState(sql.getSQLState());
            return byState == null && t instanceof SQLTransientException ? RETRIABLE : byState;
        }
        if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof TimeoutException) {
            return RETRIABLE;
        }
        if (t instanceof ConfigException) {
            return FATAL;
        }
        // Kafka types last, so a PostgreSQL-only path never loads them.
        return KafkaFailures.classify(t);
    }

    /** The SQLState table (see the class comment); {@code null} when {@code state} is not one (pgjdbc's I/O errors). */
    public static Failure sqlState(String state) {
        if (state == null || state.length() < 2) {
            return null;
        }
        if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
            return RETRIABLE;
        }
        return FATAL;
    }
}
