package org.pgfence.consumer.config;

import java.nio.file.Path;

/**
 * The local pgbouncer: its admin console over TCP and the database ini file the agent owns.
 * {@code adminPassword} may be null; it is never logged. (The Unix socket needs junixsocket with
 * pgjdbc; not supported yet.)
 */
public record PgbouncerConfig(String adminHost, int adminPort, String adminUser, String adminPassword,
                              Path databaseIni, boolean backups) {

    @Override
    public String toString() {
        return "PgbouncerConfig[admin=" + adminHost + ":" + adminPort + ", adminUser=" + adminUser
                + ", adminPassword=" + (adminPassword == null ? "none" : "****")
                + ", databaseIni=" + databaseIni + ", backups=" + backups + "]";
    }
}
