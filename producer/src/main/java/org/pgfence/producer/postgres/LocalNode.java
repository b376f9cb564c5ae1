package org.pgfence.producer.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.pgfence.events.Epoch;
import org.pgfence.events.EpochSql;
import org.pgfence.libpq.Conninfo;
import org.pgfence.process.Threads;
import org.pgfence.runtime.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One look at the local PostgreSQL node over JDBC: is it out of recovery, and if so its epoch and
 * repmgr metadata. The epoch is the timeline of the current WAL file (never {@code pg_control_checkpoint()},
 * which lags by up to ~2 s after a promotion) and {@code pg_control_system().system_identifier}.
 *
 * <p>{@link #connectEarly(Deadline)} opens the connection ahead of need ({@code promote}: while the promotion
 * runs; a hot standby accepts connections), so the first probe after the promotion pays no connection set-up and
 * no class loading. A session keeps working across the promotion, and every value probed is read at query time
 * (PostgreSQL 15 reads the WAL insert timeline from shared memory). The early connection serves one probe at
 * most; if it fails, the retry connects afresh.
 */
public final class LocalNode implements LocalProbe, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalNode.class);
    static final String IN_RECOVERY = "SELECT pg_is_in_recovery()";
    /**
     * Whether the node is out of recovery and, if so, its epoch, in one round trip: the timeline is only read once
     * recovery is over (a standby has no WAL insert position); promotion is one-way, so a first
     * {@code pg_is_in_recovery()} that says false cannot be followed by a second that says true.
     */
    static final String PROBE = "SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() THEN NULL ELSE "
            + EpochSql.PRIMARY_TIMELINE + " END, " + EpochSql.SYSTEM_IDENTIFIER;
    static final String NODES = "SELECT node_id, node_name, type, active, conninfo FROM repmgr.nodes ORDER BY node_id";
    private static final int DEFAULT_CONNECT_TIMEOUT_S = 10;

    private final Conninfo conninfo;
    private final CompletableFuture<Connection> early = new CompletableFuture<>();
    private boolean earlyStarted;

    public LocalNode(Conninfo conninfo) {
        this.conninfo = conninfo;
    }

    /** Starts opening the connection on a daemon thread (and runs one query on it); never blocks, never throws. */
    @Override
    public synchronized void connectEarly(Deadline deadline) {
        if (earlyStarted) {
            return;
        }
        earlyStarted = true;
        Threads.start("pgfence-local-connect", () -> {
            try {
                Connection c = connect(deadline);
                try (Statement st = c.createStatement()) {
                    st.setQueryTimeout(seconds(deadline, DEFAULT_CONNECT_TIMEOUT_S));
                    if (primary(st).isEmpty()) { // the probe's own queries, once, while the node is a standby
                        nodes(st);
                    }
                }
                if (!early.complete(c)) {
                    c.close();
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("No early connection to the local node: {}", e.toString());
                early.completeExceptionally(e);
            }
        });
    }

    /** Empty while the node is still in recovery; throws SQLException if it cannot be asked. */
    @Override
    public Optional<LocalPrimary> probe(Deadline deadline) throws SQLException {
        Connection ready = takeEarly();
        try (Connection c = ready != null ? ready : connect(deadline); Statement st = c.createStatement()) {
            st.setQueryTimeout(seconds(deadline, DEFAULT_CONNECT_TIMEOUT_S));
            return primary(st);
        }
    }

    private static Optional<LocalPrimary> primary(Statement st) throws SQLException {
        Epoch epoch;
        try (ResultSet rs = st.executeQuery(PROBE)) {
            rs.next();
            if (rs.getBoolean(1)) {
                return Optional.empty();
            }
            epoch = new Epoch(rs.getInt(2), rs.getString(3));
        }
        return Optional.of(new LocalPrimary(epoch, nodes(st)));
    }

    /**
     * The node as a switchover candidate sees itself: whether it is in recovery, the timeline it is on (a standby's
     * received timeline: its primary's), the system identifier and its repmgr.nodes rows.
     */
    public LocalStandby standby(Deadline deadline) throws SQLException {
        try (Connection c = connect(deadline); Statement st = c.createStatement()) {
            st.setQueryTimeout(seconds(deadline, DEFAULT_CONNECT_TIMEOUT_S));
            boolean inRecovery = bool(st, IN_RECOVERY);
            Epoch epoch;
            try (ResultSet rs = st.executeQuery("SELECT " + EpochSql.TIMELINE + ", " + EpochSql.SYSTEM_IDENTIFIER)) {
                rs.next();
                if (rs.getObject(1) == null) {
                    throw new SQLException("the node streams from no primary (pg_stat_wal_receiver is empty): no"
                            + " timeline to switch over from", "55000");
                }
                epoch = new Epoch(rs.getInt(1), rs.getString(2));
            }
            return new LocalStandby(inRecovery, epoch, nodes(st));
        }
    }

    /** The early connection if it is open by now (once); else null and a fresh one is made. */
    private Connection takeEarly() {
        if (!early.isDone() || early.isCompletedExceptionally()) {
            return null;
        }
        Connection c = early.join();
        early.obtrudeValue(null);
        return c;
    }

    /** Closes an early connection nobody took (one still opening is closed when it completes). */
    @Override
    public void close() {
        if (early.complete(null) || early.isCompletedExceptionally()) {
            return;
        }
        Connection c = early.join();
        early.obtrudeValue(null);
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("Closing the early connection: {}", e.toString());
            }
        }
    }

    private static List<NodeRow> nodes(Statement st) throws SQLException {
        List<NodeRow> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(NODES)) {
            while (rs.next()) {
                rows.add(new NodeRow(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        rs.getString(5)));
            }
        }
        return rows;
    }

    private static boolean bool(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private Connection connect(Deadline deadline) throws SQLException {
        String url = url(conninfo);
        Connection c = new org.postgresql.Driver().connect(url, properties(conninfo, deadline));
        if (c == null) {
            throw new SQLException("the PostgreSQL driver refused URL " + url, "08001");
        }
        return c;
    }

    static String url(Conninfo conninfo) {
        String host = conninfo.tcpHost();
        String db = conninfo.dbname() == null ? (conninfo.user() == null ? "postgres" : conninfo.user())
                : conninfo.dbname();
        return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + conninfo.port()
                + "/" + URLEncoder.encode(db, StandardCharsets.UTF_8);
    }

    /** JDBC properties from the conninfo; every timeout bounded by the deadline (pgjdbc counts whole seconds). */
    static Properties properties(Conninfo conninfo, Deadline deadline) {
        Properties p = new Properties();
        if (conninfo.user() != null) {
            p.setProperty("user", conninfo.user());
        }
        if (conninfo.get("password") != null) {
            p.setProperty("password", conninfo.get("password"));
        }
        if (conninfo.get("sslmode") != null) {
            p.setProperty("sslmode", conninfo.get("sslmode"));
        }
        String timeout = Integer.toString(seconds(deadline, conninfo.connectTimeoutSeconds(DEFAULT_CONNECT_TIMEOUT_S)));
        p.setProperty("connectTimeout", timeout);
        p.setProperty("loginTimeout", timeout);
        p.setProperty("socketTimeout", timeout);
        p.setProperty("ApplicationName", "pgfence-producer");
        p.setProperty("assumeMinServerVersion", "15");
        return p;
    }

    /** Whole seconds left, at least 1 (pgjdbc's granularity), at most {@code cap}. */
    static int seconds(Deadline deadline, int cap) {
        long ms = deadline.remainingMillis();
        long s = Math.max(1, (ms + 999) / 1000);
        return (int) Math.min(s, Math.max(1, cap));
    }
}
