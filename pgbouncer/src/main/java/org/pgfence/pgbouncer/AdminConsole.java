package org.pgfence.pgbouncer;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * pgbouncer's admin console ({@code pgbouncer} database) over the simple query protocol, as {@code user} at
 * {@code host}:{@code port} ({@code host} may be the directory of pgbouncer's Unix socket). One connection, reused,
 * reopened after any failure; every read bounded by {@code timeout}. Not thread-safe by design: one owner (the
 * agent loop, a lab step) uses it.
 */
public final class AdminConsole implements Console, AutoCloseable {
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Duration timeout;
    private SimpleQueryClient client;

    /** {@code password} may be null (trust, peer). */
    public AdminConsole(String host, int port, String user, String password, Duration timeout) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.timeout = timeout;
    }

    @Override
    public String url() {
        return "pgbouncer admin " + user + "@" + SimpleQueryClient.where(host, port);
    }

    public void reload() throws SQLException {
        execute("RELOAD");
    }

    @Override
    public List<PoolerDatabase> showDatabases() throws SQLException {
        List<PoolerDatabase> out = new ArrayList<>();
        for (Map<String, String> r : run("SHOW DATABASES")) {
            out.add(new PoolerDatabase(r.get("name"), r.get("host"), integer(r.get("port")), r.get("database"),
                    integer(r.get("paused")) != 0, integer(r.get("disabled")) != 0));
        }
        return out;
    }

    /** Every server connection pgbouncer holds now, whatever its state (active, idle, used, tested, login). */
    @Override
    public List<PoolerServer> showServers() throws SQLException {
        List<PoolerServer> out = new ArrayList<>();
        for (Map<String, String> r : run("SHOW SERVERS")) {
            out.add(new PoolerServer(r.get("database"), r.get("addr"), integer(r.get("port"))));
        }
        return out;
    }

    /** Runs an admin command (RELOAD, PAUSE "db", ...); the connection is dropped on any failure. */
    @Override
    public void execute(String command) throws SQLException {
        run(command);
    }

    /**
     * Runs an admin command that may wait on a connection of its own, every read bounded by {@code bound}; the
     * connection is closed after it, answered or not (pgbouncer keeps a database PAUSEd after its admin client left).
     */
    @Override
    public void execute(String command, Duration bound) throws SQLException {
        try (SimpleQueryClient own = SimpleQueryClient.connect(host, port, user, password, "pgbouncer", bound)) {
            own.query(command);
        }
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
            client = SimpleQueryClient.connect(host, port, user, password, "pgbouncer", timeout);
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
