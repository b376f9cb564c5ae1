package org.pgfence.consumer.config;

import java.nio.file.Path;
import java.time.Duration;
import org.pgfence.pgbouncer.AdminConsole;

/**
 * The local pgbouncer: its admin console and the database ini file the agent owns. An {@code adminHost} that
 * starts with {@code /} is the directory of pgbouncer's Unix-domain socket, as in libpq. {@code adminPassword} may
 * be null; it is never logged.
 */
public record PgbouncerConfig(String adminHost, int adminPort, String adminUser, String adminPassword,
                              Path databaseIni, boolean backups) {

    /** The admin console this config names, every read bounded by {@code timeout}. */
    public AdminConsole console(Duration timeout) {
        return new AdminConsole(adminHost, adminPort, adminUser, adminPassword, timeout);
    }

    @Override
    public String toString() {
        return "PgbouncerConfig[admin=" + adminHost + ":" + adminPort + ", adminUser=" + adminUser
                + ", adminPassword=" + (adminPassword == null ? "none" : "****")
                + ", databaseIni=" + databaseIni + ", backups=" + backups + "]";
    }
}
