package org.pgfence.audit.config;

/** A pgbouncer admin console, reached over JDBC from the auditor (not through SSH). */
public record AdminEndpoint(String host, int port, String user) {

    /** {@code preferQueryMode=simple}: the admin console rejects the extended protocol (lab facts §7). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/pgbouncer?user=" + user + "&preferQueryMode=simple";
    }
}
