package org.pgfence.pgbouncer;

/** One row of pgbouncer's {@code SHOW SERVERS}: a server connection of {@code database} to {@code addr:port}. */
public record PoolerServer(String database, String addr, int port) {
}
