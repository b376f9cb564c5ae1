package org.pgfence.consumer.config;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The pgbouncer connection-string options a database entry may carry, each with the shape its value
 * must have. {@code user}, {@code password}, {@code auth_*} and {@code connect_query} are deliberately
 * absent: forcing a user reroutes every client's identity, and connect_query is free SQL that cannot
 * be checked safely for ini syntax. {@code host}, {@code port} and {@code dbname} come from the verified
 * cluster and the database's own {@code dbname} key.
 */
public final class PgbouncerOptions {
    private static final Pattern COUNT = Pattern.compile("\\d{1,6}");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.,:/+-]{1,63}");
    private static final Map<String, Pattern> ALLOWED = Map.of(
            "pool_size", COUNT,
            "min_pool_size", COUNT,
            "reserve_pool", COUNT,
            "max_db_connections", COUNT,
            "pool_mode", Pattern.compile("session|transaction|statement"),
            "application_name", WORD,
            "client_encoding", WORD,
            "datestyle", WORD,
            "timezone", WORD);

    private PgbouncerOptions() {
    }

    /** The allowed keys, sorted, for messages and docs. */
    public static String allowedKeys() {
        return new java.util.TreeSet<>(ALLOWED.keySet()).toString();
    }

    /** Why {@code key = value} is not allowed, or empty when it is. */
    public static Optional<String> problem(String key, String value) {
        Pattern shape = ALLOWED.get(key);
        if (shape == null) {
            return Optional.of("unknown pgbouncer option '" + key + "', allowed: " + allowedKeys());
        }
        if (value == null || !shape.matcher(value).matches()) {
            return Optional.of("value '" + value + "' for '" + key + "' must match " + shape.pattern());
        }
        return Optional.empty();
    }
}
