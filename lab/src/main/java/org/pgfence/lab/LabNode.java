package org.pgfence.lab;

import java.nio.file.Path;

/** One PostgreSQL node of the lab, with its paths and addresses. */
public record LabNode(int id, String name, String address, int pgPort, Path dir) {

    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path socketDir() {
        return dir.resolve("sock");
    }

    public Path repmgrConf() {
        return dir.resolve("repmgr.conf");
    }

    public Path log() {
        return dir.resolve("postgresql.log");
    }

    public Path repmgrdLog() {
        return dir.resolve("repmgrd.log");
    }

    public Path repmgrdPidFile() {
        return dir.resolve("repmgrd.pid");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + address + ":" + pgPort + "/" + database + "?connectTimeout=2&socketTimeout=10";
    }

    /** The conninfo repmgr stores, with the keys (user, dbname=repmgr, connect_timeout) pgbouncer must never see. */
    public String conninfo() {
        return "host=" + address + " port=" + pgPort + " user=repmgr dbname=repmgr connect_timeout=2";
    }
}
