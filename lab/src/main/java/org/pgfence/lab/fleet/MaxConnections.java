package org.pgfence.lab.fleet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabException;
import org.pgfence.lab.LabNode;
import org.pgfence.process.ExitCode;

/**
 * Gives every node of a lab {@code max_connections = M} (the lab builds them with 50; PostgreSQL's default is 100):
 * {@code ALTER SYSTEM} on each, then a restart of each with every repmgrd stopped meanwhile (a primary restarted under
 * repmgrd would be failed over), standbys first (a hot standby refuses to start with fewer connections than its
 * primary), then repmgrd again and the wait until it would fail over the primary.
 */
final class MaxConnections {
    static final Duration SETTLE = Duration.ofSeconds(60);

    private MaxConnections() {
    }

    static void set(Lab lab, int value) {
        LabNode primary = lab.currentPrimary().orElseThrow(() -> new LabException(ExitCode.CHECK_FAILED,
                "no primary to set max_connections under"));
        for (LabNode n : lab.nodes()) {
            alterSystem(n, value);
        }
        lab.nodes().forEach(n -> lab.stopRepmgrd(n.id()));
        for (LabNode n : lab.nodes()) {
            if (n.id() != primary.id()) {
                restart(lab, n);
            }
        }
        restart(lab, primary);
        lab.nodes().forEach(n -> lab.startRepmgrd(n.id()));
        for (LabNode n : lab.nodes()) {
            if (n.id() != primary.id()) {
                lab.awaitAttached(n.id(), primary.id(), SETTLE);
            }
        }
        lab.awaitRepmgrdWatching(primary.id(), SETTLE);
    }

    private static void restart(Lab lab, LabNode n) {
        lab.stopNode(n.id());
        lab.startNode(n.id());
    }

    private static void alterSystem(LabNode n, int value) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + n.address() + ":" + n.pgPort()
                + "/postgres", p); Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET max_connections = " + value);
        } catch (SQLException e) {
            throw new LabException(ExitCode.UNAVAILABLE, "ALTER SYSTEM SET max_connections on " + n.name() + ": "
                    + e.getMessage(), e);
        }
    }
}
