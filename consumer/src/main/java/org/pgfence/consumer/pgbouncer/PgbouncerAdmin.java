package org.pgfence.consumer.pgbouncer;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pgfence.consumer.config.PgbouncerConfig;
import org.pgfence.consumer.internal.SimpleQueryClient;

/**
 * pgbouncer's admin console ({@code pgbouncer} database) over the simple query protocol. One connection,
 * reused, reopened after any failure. Not thread-safe by design: the agent loop owns it.
 */
public final class PgbouncerAdmin implements AutoCloseable {
    private final PgbouncerConfig config;
    private final Duration timeout;
    private SimpleQueryClient client;

    public PgbouncerAdmin(PgbouncerConfig config, Duration timeout) {
        this.config = config;
        this.timeout = timeout;
    }

    /** Where the console is, for messages. */
    public String url() {
        return "pgbouncer admin " + config.adminUser() + "@"
                + SimpleQueryClient.where(config.adminHost(), config.adminPort());
    }

    public void reload() throws SQLException {
        execute("RELOAD");
    }

    public List<PoolerDatabase> showDatabases() throws SQLException {
        List<PoolerDatabase> out = new ArrayList<>();
        for (Map<String, String> r : run("SHOW DATABASES")) {
            out.add(new PoolerDatabase(r.get("name"), r.get("host"), integer(r.get("port")), r.get("database"),
                    integer(r.get("paused")) != 0, integer(r.get("disabled")) != 0));
        }
        return out;
    }

    /** Every server connection pgbouncer holds now, whatever its state (active, idle, used, tested, login). */
    public List<PoolerServer> showServers() throws SQLException {
        List<PoolerServer> out = new ArrayList<>();
        for (Map<String, String> r : run("SHOW SERVERS")) {
            out.add(new PoolerServer(r.get("database"), r.get("addr"), integer(r.get("port"))));
        }
        return out;
    }

    /** Runs an admin command ({@link AdminCommands}); the connection is dropped on any failure. */
    public void execute(String command) throws SQLException {
        run(command);
    }

    private List<Map<String, String>> run(String sql) throws SQLException {
        try {
            return connection().query(sql);
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    private static int integer(String s) {
        return s == null || s.isEmpty() ? 0 : Integer.parseInt(s.trim());
    }

    private SimpleQueryClient connection() throws SQLException {
        if (client == null || client.isClosed()) {
            client = SimpleQueryClient.connect(config.adminHost(), config.adminPort(), config.adminUser(),
                    config.adminPassword(), "pgbouncer", timeout);
        }
        return client;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
