package org.pgfence.lab;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import org.pgfence.events.EpochSql;

/** What one node says about itself right now, read the reliable way (facts P17). */
public record NodeState(boolean inRecovery, int timeline, int checkpointTimeline, String systemIdentifier) {

    private static final String SQL = "SELECT pg_is_in_recovery(), " + EpochSql.TIMELINE
            + ", (pg_control_checkpoint()).timeline_id, " + EpochSql.SYSTEM_IDENTIFIER;

    /** The node's state, or empty when it does not answer. */
    public static Optional<NodeState> of(LabNode node) {
        try (Connection c = connect(node, "postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SQL)) {
            rs.next();
            return Optional.of(new NodeState(rs.getBoolean(1), rs.getInt(2), rs.getInt(3), rs.getString(4)));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    static Connection connect(LabNode node, String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", "10");
        p.setProperty("loginTimeout", "3");
        return DriverManager.getConnection("jdbc:postgresql://" + node.address() + ":" + node.pgPort() + "/" + database, p);
    }
}
