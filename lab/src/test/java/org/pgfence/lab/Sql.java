package org.pgfence.lab;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** One-line JDBC for tests. */
public final class Sql {
    private Sql() {
    }

    public static String one(String url, String user, String query) throws SQLException {
        try (Connection c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "user=" + user);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    public static void exec(String url, String user, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "user=" + user);
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
