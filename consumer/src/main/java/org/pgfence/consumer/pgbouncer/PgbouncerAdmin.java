package org.pgfence.consumer.pgbouncer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.pgfence.consumer.config.PgbouncerConfig;

/**
 * pgbouncer's admin console over pgjdbc in simple query mode (the console rejects the extended
 * protocol: lab fact §7; pgbouncer needs {@code ignore_startup_parameters = extra_float_digits}).
 * One connection, reused, reopened after a failure. Not thread-safe by design: the agent loop owns it.
 */
public final class PgbouncerAdmin implements AutoCloseable {
    private final PgbouncerConfig config;
    private final Duration timeout;
    private Connection connection;

    public PgbouncerAdmin(PgbouncerConfig config, Duration timeout) {
        this.config = config;
        this.timeout = timeout;
    }

    public String url() {
        String host = config.adminHost().contains(":") ? "[" + config.adminHost() + "]" : config.adminHost();
        return "jdbc:postgresql://" + host + ":" + config.adminPort() + "/pgbouncer?preferQueryMode=simple";
    }

    public void reload() throws SQLException {
        execute("RELOAD");
    }

    public List<PoolerDatabase> showDatabases() throws SQLException {
        List<PoolerDatabase> out = new ArrayList<>();
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery("SHOW DATABASES")) {
            while (rs.next()) {
                out.add(new PoolerDatabase(rs.getString("name"), rs.getString("host"), rs.getInt("port"),
                        rs.getString("database"), rs.getInt("paused") != 0, rs.getInt("disabled") != 0));
            }
        } catch (SQLException e) {
            drop();
            throw e;
        }
        return out;
    }

    /** Runs an admin command ({@link AdminCommands}); the connection is dropped on any failure. */
    public void execute(String command) throws SQLException {
        try (Statement s = connection().createStatement()) {
            s.execute(command);
        } catch (SQLException e) {
            drop();
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            String seconds = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
            Properties p = new Properties();
            p.setProperty("user", config.adminUser());
            if (config.adminPassword() != null) {
                p.setProperty("password", config.adminPassword());
            }
            p.setProperty("connectTimeout", seconds);
            p.setProperty("loginTimeout", seconds);
            p.setProperty("socketTimeout", seconds);
            p.setProperty("ApplicationName", "pgfence-agent");
            connection = DriverManager.getConnection(url(), p);
        }
        return connection;
    }

    private void drop() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // broken already
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        drop();
    }
}
