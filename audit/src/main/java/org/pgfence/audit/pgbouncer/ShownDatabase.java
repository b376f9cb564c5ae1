package org.pgfence.audit.pgbouncer;

/** One row of pgbouncer's {@code SHOW DATABASES}: the columns pgfence checks. */
public record ShownDatabase(String name, String host, int port, String database, boolean disabled) {
}
