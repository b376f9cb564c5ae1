package org.pgfence.audit.pgbouncer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.pgfence.audit.config.AdminEndpoint;

/**
 * The pgbouncer admin console of one host, over JDBC in simple query mode (the console rejects the
 * extended protocol). This is the only JDBC in pgfence audit that does not talk to the audit store.
 */
public final class AdminConsole {
    private final AdminEndpoint endpoint;
    private final Duration timeout;

    public AdminConsole(AdminEndpoint endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
    }

    /** RELOAD, then SHOW DATABASES on the same connection. */
    public List<ShownDatabase> reloadAndShow() throws AdminConsoleException {
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.setQueryTimeout(seconds());
            s.execute("RELOAD");
            return show(s);
        } catch (SQLException e) {
            throw failure("RELOAD/SHOW DATABASES", e);
        }
    }

    public List<ShownDatabase> showDatabases() throws AdminConsoleException {
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.setQueryTimeout(seconds());
            return show(s);
        } catch (SQLException e) {
            throw failure("SHOW DATABASES", e);
        }
    }

    private AdminConsoleException failure(String what, SQLException e) {
        return new AdminConsoleException(what + " on pgbouncer " + endpoint.host() + ":" + endpoint.port()
                + " as " + endpoint.user() + " failed: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
    }

    private static List<ShownDatabase> show(Statement s) throws SQLException {
        List<ShownDatabase> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SHOW DATABASES")) {
            while (rs.next()) {
                out.add(new ShownDatabase(rs.getString("name"), rs.getString("host"), rs.getInt("port"),
                        rs.getString("database"), rs.getInt("disabled") != 0));
            }
        }
        return out;
    }

    private Connection open() throws SQLException {
        Properties p = new Properties();
        p.setProperty("connectTimeout", Integer.toString(seconds()));
        p.setProperty("loginTimeout", Integer.toString(seconds()));
        p.setProperty("socketTimeout", Integer.toString(seconds()));
        return DriverManager.getConnection(endpoint.jdbcUrl(), p);
    }

    private int seconds() {
        return (int) Math.max(1, timeout.toSeconds());
    }

    public AdminEndpoint endpoint() {
        return endpoint;
    }
}
