package org.pgfence.consumer.discovery;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.pgfence.consumer.config.ClusterConfig;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a node over pgjdbc, keeping one connection per address for reuse across reconciles (the
 * event-to-ack latency budget has no room for a TCP + auth handshake per node per event). A connection
 * that fails is dropped and the probe is retried once on a fresh one.
 */
public final class JdbcNodeProbe implements NodeProbe {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcNodeProbe.class);
    /**
     * Everything a probe reads, in one round trip: the node's state (repeated on every row) and its view of
     * repmgr.nodes. LEFT JOIN so that a node whose repmgr.nodes is empty still reports its state.
     */
    static final String PROBE_SQL = "SELECT s.in_recovery, s.system_identifier, s.tli, s.checkpoint_tli, s.local_id,"
            + " n.node_id, n.node_name, n.type, n.active, n.location, n.upstream_node_id, n.conninfo"
            + " FROM (SELECT pg_is_in_recovery() AS in_recovery,"
            + " (SELECT system_identifier FROM pg_control_system())::text AS system_identifier,"
            + " CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver LIMIT 1)"
            + " ELSE ('x'||substr(pg_walfile_name(pg_current_wal_lsn()),1,8))::bit(32)::int END AS tli,"
            + " (SELECT timeline_id FROM pg_control_checkpoint()) AS checkpoint_tli,"
            + " %s AS local_id) s"
            + " LEFT JOIN repmgr.nodes n ON true ORDER BY n.node_id";
    static final String LOCAL_ID = "repmgr.get_local_node_id()";
    private static final String WITH_LOCAL_ID = String.format(PROBE_SQL, LOCAL_ID);
    private static final String WITHOUT_LOCAL_ID = String.format(PROBE_SQL, "NULL::int");
    /** SQLSTATE undefined_function: a repmgr without {@code get_local_node_id()}. */
    private static final String UNDEFINED_FUNCTION = "42883";

    private final Map<Address, Connection> connections = new ConcurrentHashMap<>();
    private volatile boolean withoutLocalId;

    @Override
    public NodeObservation probe(ClusterConfig cluster, Address address) {
        try {
            return read(cluster, address, connection(cluster, address));
        } catch (SQLException first) {
            drop(address);
            try {
                return read(cluster, address, connection(cluster, address));
            } catch (SQLException e) {
                drop(address);
                return NodeObservation.unreachable(address, describe(e));
            }
        }
    }

    private NodeObservation read(ClusterConfig cluster, Address address, Connection c) throws SQLException {
        try {
            return read(cluster, address, c, withoutLocalId ? WITHOUT_LOCAL_ID : WITH_LOCAL_ID);
        } catch (SQLException e) {
            if (withoutLocalId || !UNDEFINED_FUNCTION.equals(e.getSQLState())) {
                throw e;
            }
            LOG.info("{} has no {}; identifying nodes by their conninfo", address, LOCAL_ID);
            withoutLocalId = true;
            return read(cluster, address, c, WITHOUT_LOCAL_ID);
        }
    }

    private NodeObservation read(ClusterConfig cluster, Address address, Connection c, String sql)
            throws SQLException {
        boolean inRecovery = false;
        String systemId = null;
        Integer tli = null;
        int checkpointTli = 0;
        Integer localNodeId = null;
        List<RepmgrNode> view = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            boolean first = true;
            while (rs.next()) {
                if (first) {
                    inRecovery = rs.getBoolean(1);
                    systemId = rs.getString(2);
                    tli = (Integer) rs.getObject(3);
                    checkpointTli = rs.getInt(4);
                    localNodeId = (Integer) rs.getObject(5);
                    first = false;
                }
                if (rs.getObject(6) != null) {
                    view.add(new RepmgrNode(rs.getInt(6), rs.getString(7), rs.getString(8), rs.getBoolean(9),
                            rs.getString(10), (Integer) rs.getObject(11), rs.getString(12)));
                }
            }
        }
        TimelineSource source = inRecovery ? TimelineSource.WAL_RECEIVER : TimelineSource.WAL_FILE;
        if (tli == null && inRecovery) {
            tli = identifySystem(cluster, address);
            source = tli != null ? TimelineSource.IDENTIFY_SYSTEM : TimelineSource.CHECKPOINT;
        }
        if (tli == null) {
            tli = checkpointTli;
            source = TimelineSource.CHECKPOINT;
        }
        return new NodeObservation(address, null, inRecovery, tli, source, systemId, localNodeId, view);
    }

    /** The timeline of a standby whose WAL receiver is not running, read with IDENTIFY_SYSTEM. */
    private static Integer identifySystem(ClusterConfig cluster, Address address) {
        Properties p = properties(cluster);
        p.setProperty("replication", "database");
        try (Connection c = DriverManager.getConnection(url(cluster, address), p);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
            return rs.next() ? rs.getInt("timeline") : null;
        } catch (SQLException e) {
            LOG.debug("IDENTIFY_SYSTEM on {} failed: {}", address, describe(e));
            return null;
        }
    }

    /**
     * Initialises pgjdbc's error reporting (its message bundle, MessageFormat), which the first promotion
     * otherwise does on the fencing path: the demoted primary's connection fails with FATAL 57P01. No I/O.
     */
    public static String warmUp() {
        return describe(new PSQLException(new ServerErrorMessage(
                "SFATAL\0C57P01\0Mterminating connection due to administrator command\0")));
    }

    private Connection connection(ClusterConfig cluster, Address address) throws SQLException {
        Connection c = connections.get(address);
        if (c != null && !c.isClosed()) {
            return c;
        }
        c = DriverManager.getConnection(url(cluster, address), properties(cluster));
        c.setAutoCommit(true);
        connections.put(address, c);
        return c;
    }

    static String url(ClusterConfig cluster, Address address) {
        String host = address.host().contains(":") ? "[" + address.host() + "]" : address.host();
        return "jdbc:postgresql://" + host + ":" + address.port() + "/" + cluster.repmgrDbname();
    }

    static Properties properties(ClusterConfig cluster) {
        String seconds = Long.toString(ceilSeconds(cluster.connectTimeout()));
        Properties p = new Properties();
        p.setProperty("user", cluster.repmgrUser());
        if (cluster.repmgrPassword() != null) {
            p.setProperty("password", cluster.repmgrPassword());
        }
        p.setProperty("connectTimeout", seconds);
        p.setProperty("loginTimeout", seconds);
        p.setProperty("socketTimeout", Long.toString(ceilSeconds(cluster.connectTimeout()) * 2));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "pgfence-agent");
        // one simple-protocol message per probe, and the session settings sent in the startup packet instead
        // of SET round trips after login: every node is PostgreSQL >= 10 (repmgr 5 needs it)
        p.setProperty("preferQueryMode", "simple");
        p.setProperty("assumeMinServerVersion", "10");
        return p;
    }

    private static long ceilSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    static String describe(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState() + " ";
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return (state + message).replaceAll("\\s+", " ");
    }

    private void drop(Address address) {
        Connection c = connections.remove(address);
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken; nothing to release
            }
        }
    }

    @Override
    public void close() {
        connections.keySet().forEach(this::drop);
    }
}
