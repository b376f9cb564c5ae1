package org.pgfence.lab;

import java.nio.file.Path;

/** One pgbouncer host of the lab: on a node's address (name = node name) or an extra one (pgbN). */
public record LabPgbouncer(int id, String host, String address, int port, Path dir) {
    public static final int PORT = 6432;

    public Path ini() {
        return dir.resolve("pgbouncer.ini");
    }

    public Path databaseIni() {
        return dir.resolve("pgbouncer.database.ini");
    }

    public Path pidFile() {
        return dir.resolve("pgbouncer.pid");
    }

    public Path log() {
        return dir.resolve("pgbouncer.log");
    }

    public Path socketDir() {
        return dir.resolve("sock");
    }

    /** An application connection through this pgbouncer. */
    public String jdbcUrl(String database, String user) {
        return "jdbc:postgresql://" + address + ":" + port + "/" + database + "?user=" + user
                + "&connectTimeout=2&socketTimeout=10&ApplicationName=pgfence-lab";
    }
}
