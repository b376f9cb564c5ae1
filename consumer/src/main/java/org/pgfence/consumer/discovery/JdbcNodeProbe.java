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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a node over pgjdbc, keeping one connection per address for reuse across reconciles (the
 * event-to-ack latency budget has no room for a TCP + auth handshake per node per event). A connection
 * that fails is dropped and the probe is retried once on a fresh one.
 */
public final class JdbcNodeProbe implements NodeProbe {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcNodeProbe.class);
    static final String STATE_SQL = "SELECT pg_is_in_recovery(),"
            + " (SELECT system_identifier FROM pg_control_system())::text,"
            + " CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver LIMIT 1)"
            + " ELSE ('x'||substr(pg_walfile_name(pg_current_wal_lsn()),1,8))::bit(32)::int END,"
            + " (SELECT timeline_id FROM pg_control_checkpoint())";
    static final String NODES_SQL = "SELECT node_id, node_name, type, active, location, upstream_node_id, conninfo"
            + " FROM repmgr.nodes ORDER BY node_id";
    static final String LOCAL_ID_SQL = "SELECT repmgr.get_local_node_id()";

    private final Map<Address, Connection> connections = new ConcurrentHashMap<>();

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
        boolean inRecovery;
        String systemId;
        Integer tli;
        int checkpointTli;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(STATE_SQL)) {
            rs.next();
            inRecovery = rs.getBoolean(1);
            systemId = rs.getString(2);
            tli = (Integer) rs.getObject(3);
            checkpointTli = rs.getInt(4);
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
        List<RepmgrNode> view = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(NODES_SQL)) {
            while (rs.next()) {
                view.add(new RepmgrNode(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        rs.getString(5), (Integer) rs.getObject(6), rs.getString(7)));
            }
        }
        return new NodeObservation(address, null, inRecovery, tli, source, systemId, localNodeId(c), view);
    }

    private static Integer localNodeId(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(LOCAL_ID_SQL)) {
            return rs.next() ? (Integer) rs.getObject(1) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    /** The timeline of a standby whose WAL receiver is not running, read with IDENTIFY_SYSTEM. */
    private static Integer identifySystem(ClusterConfig cluster, Address address) {
        Properties p = properties(cluster);
        p.setProperty("replication", "database");
        p.setProperty("preferQueryMode", "simple");
        p.setProperty("assumeMinServerVersion", "10");
        try (Connection c = DriverManager.getConnection(url(cluster, address), p);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
            return rs.next() ? rs.getInt("timeline") : null;
        } catch (SQLException e) {
            LOG.debug("IDENTIFY_SYSTEM on {} failed: {}", address, describe(e));
            return null;
        }
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
