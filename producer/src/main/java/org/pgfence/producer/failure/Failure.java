package org.pgfence.producer.failure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.pgfence.process.ConfigException;

/**
 * What to do about a failure, decided once at the boundary: {@link #RETRIABLE} (try again while the
 * deadline lasts) or {@link #FATAL} (retrying cannot help: bad credentials, bad config, a bug).
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
            return sqlState(sql.getSQLState());
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

    /** SQLState classes: 28 auth and 3D/42 (wrong database, missing schema) are fatal; 08 and 57P are retriable. */
    static Failure sqlState(String state) {
        if (state == null || state.length() < 2) {
            return null;
        }
        if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
            return RETRIABLE;
        }
        return FATAL;
    }
}
