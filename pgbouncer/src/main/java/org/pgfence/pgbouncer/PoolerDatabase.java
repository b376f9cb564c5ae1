package org.pgfence.pgbouncer;

/** One row of pgbouncer's {@code SHOW DATABASES}, the columns the agent checks. */
public record PoolerDatabase(String name, String host, int port, String database, boolean paused, boolean disabled) {
}
