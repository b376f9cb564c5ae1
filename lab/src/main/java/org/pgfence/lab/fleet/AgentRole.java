package org.pgfence.lab.fleet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.pgfence.lab.LabException;
import org.pgfence.lab.LabNode;
import org.pgfence.process.ExitCode;

/**
 * The agents' role as docs/deployment.md has an operator create it: {@code pgfence}, a member of {@code pg_monitor},
 * not a superuser (so the slots {@code superuser_reserved_connections} keeps stay for repmgr and the operators), with
 * a CONNECTION LIMIT when asked. Created on the primary; replication brings it to the standbys.
 */
final class AgentRole {
    static final String NAME = "pgfence";

    private AgentRole() {
    }

    static void create(LabNode primary, int connectionLimit) {
        run(primary, "postgres", "CREATE ROLE " + NAME + " LOGIN IN ROLE pg_monitor"
                + (connectionLimit > 0 ? " CONNECTION LIMIT " + connectionLimit : ""));
        run(primary, "repmgr", "GRANT USAGE ON SCHEMA repmgr TO " + NAME);
        run(primary, "repmgr", "GRANT SELECT ON ALL TABLES IN SCHEMA repmgr TO " + NAME);
    }

    private static void run(LabNode node, String database, String sql) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + node.address() + ":" + node.pgPort()
                + "/" + database, p); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new LabException(ExitCode.UNAVAILABLE, sql + " on " + node.name() + ": " + e.getMessage(), e);
        }
    }
}
