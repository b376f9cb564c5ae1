package org.pgfence.consumer.discovery;

import io.github.resilience4j.retry.Retry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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
import org.pgfence.events.EpochSql;
import org.pgfence.runtime.Retries;
import org.postgresql.util.GT;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a node over pgjdbc, keeping one connection per address for reuse across reconciles (the
 * event-to-ack latency budget has no room for a TCP + auth handshake per node per event), unless the cluster says
 * not to ({@code keepConnections: false}): then each probe opens its connection and closes it after, so a node holds
 * an agent's connection only while it probes. A connection that fails is dropped and the probe is retried once on a
 * fresh one. A node with no slot free for the agent (SQLSTATE 53300: {@code max_connections}, or the agents' role's
 * CONNECTION LIMIT, reached) is asked again after a jittered pause, within the discovery round's bound: hundreds of
 * agents probing the new primary at once must queue for the role's few slots, not fence closed (docs/fleet-scale.md).
 */
public final class JdbcNodeProbe implements NodeProbe {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcNodeProbe.class);
    /**
     * Everything a probe reads, in one round trip: the node's state (repeated on every row) and its view of
     * repmgr.nodes. LEFT JOIN so that a node whose repmgr.nodes is empty still reports its state. The first
     * placeholder is the local node id, the second the WAL directory's timeline (see {@link #WAL_DIRECTORY}).
     * The postmaster's start time (microseconds) tells one server reached at two addresses from two servers.
     */
    static final String PROBE_SQL = "SELECT s.in_recovery, s.system_identifier, s.tli, s.checkpoint_tli, s.local_id,"
            + " s.wal_dir_tli, s.started, n.node_id, n.node_name, n.type, n.active, n.location, n.upstream_node_id,"
            + " n.conninfo"
            + " FROM (SELECT pg_is_in_recovery() AS in_recovery,"
            + " (extract(epoch FROM pg_postmaster_start_time()) * 1000000)::bigint AS started,"
            + " " + EpochSql.SYSTEM_IDENTIFIER + " AS system_identifier,"
            + " " + EpochSql.TIMELINE + " AS tli,"
            + " (SELECT timeline_id FROM pg_control_checkpoint()) AS checkpoint_tli,"
            + " %s AS local_id, %s AS wal_dir_tli) s"
            + " LEFT JOIN repmgr.nodes n ON true ORDER BY n.node_id";
    static final String LOCAL_ID = "repmgr.get_local_node_id()";
    /**
     * For a standby whose WAL receiver is down (no {@code received_tli}): the highest timeline among the WAL
     * segments in its {@code pg_wal}. The segment being replayed is there under the replay timeline and WAL of a
     * timeline can only come from a node on it, so this is never below the replay timeline (IDENTIFY_SYSTEM's
     * answer) and never above a timeline that exists. It needs {@code pg_monitor} (or superuser), and saves the
     * replication connection (a walsender fork on the node) that IDENTIFY_SYSTEM costs in every switchover.
     */
    static final String WAL_DIRECTORY = "CASE WHEN pg_is_in_recovery() AND NOT EXISTS"
            + " (SELECT 1 FROM pg_stat_wal_receiver WHERE received_tli IS NOT NULL)"
            + " THEN (SELECT max(('x'||substr(name,1,8))::bit(32)::int) FROM pg_ls_waldir()"
            + " WHERE name ~ '^[0-9A-F]{24}$') END";
    /** The probe's four forms: [without local id][without WAL directory]. */
    private static final String[][] PROBES = {
        {String.format(PROBE_SQL, LOCAL_ID, WAL_DIRECTORY), String.format(PROBE_SQL, LOCAL_ID, "NULL::int")},
        {String.format(PROBE_SQL, "NULL::int", WAL_DIRECTORY), String.format(PROBE_SQL, "NULL::int", "NULL::int")}};
    /** SQLSTATE undefined_function: a repmgr without {@code get_local_node_id()}. */
    private static final String UNDEFINED_FUNCTION = "42883";
    /** SQLSTATE insufficient_privilege: a user without {@code pg_monitor} may not list {@code pg_wal}. */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    /** SQLSTATE too_many_connections: the node, or the role, has no connection slot free now. */
    static final String TOO_MANY_CONNECTIONS = "53300";
    /** 100 ms doubling to 1 s, jittered, 6 attempts: about 2.5 s at most, inside a round's 3 x connectTimeout. */
    private final Retry slots = Retries.of("postgres-probe-slots", 6, Duration.ofMillis(100), Duration.ofSeconds(1),
            t -> t instanceof SQLException e && TOO_MANY_CONNECTIONS.equals(e.getSQLState()));
    private final Map<Address, Connection> connections = new ConcurrentHashMap<>();
    private volatile boolean withoutLocalId;
    private volatile boolean withoutWalDirectory;

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
        } finally {
            if (!cluster.keepConnections()) {
                drop(address);
            }
        }
    }

    private NodeObservation read(ClusterConfig cluster, Address address, Connection c) throws SQLException {
        while (true) {
            try {
                return read(cluster, address, c, PROBES[withoutLocalId ? 1 : 0][withoutWalDirectory ? 1 : 0]);
            } catch (SQLException e) {
                if (!degrade(address, e)) {
                    throw e;
                }
            }
        }
    }

    /** Drops the optional part of the probe that {@code e} is about; false when there is none. */
    private boolean degrade(Address address, SQLException e) {
        if (!withoutLocalId && UNDEFINED_FUNCTION.equals(e.getSQLState())) {
            LOG.info("{} has no {}; identifying nodes by their conninfo", address, LOCAL_ID);
            withoutLocalId = true;
            return true;
        }
        if (!withoutWalDirectory && INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
            LOG.info("{}: {}; a standby whose WAL receiver is down is read with IDENTIFY_SYSTEM instead of "
                    + "pg_ls_waldir() (grant pg_monitor to avoid that connection)", address, describe(e));
            withoutWalDirectory = true;
            return true;
        }
        return false;
    }

    private NodeObservation read(ClusterConfig cluster, Address address, Connection c, String sql)
            throws SQLException {
        boolean inRecovery = false;
        String systemId = null;
        Integer tli = null;
        int checkpointTli = 0;
        Integer localNodeId = null;
        Integer walDirectoryTli = null;
        Long started = null;
        List<RepmgrNode> view = new ArrayList<>();
        // prepared, not a Statement: pgjdbc parses a Statement's SQL on every execution, a prepared one once per
        // connection (its query cache); preferQueryMode=simple still sends it as one simple Query message
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            boolean first = true;
            while (rs.next()) {
                if (first) {
                    inRecovery = rs.getBoolean(1);
                    systemId = rs.getString(2);
                    tli = (Integer) rs.getObject(3);
                    checkpointTli = rs.getInt(4);
                    localNodeId = (Integer) rs.getObject(5);
                    walDirectoryTli = (Integer) rs.getObject(6);
                    started = (Long) rs.getObject(7);
                    first = false;
                }
                if (rs.getObject(8) != null) {
                    view.add(new RepmgrNode(rs.getInt(8), rs.getString(9), rs.getString(10), rs.getBoolean(11),
                            rs.getString(12), (Integer) rs.getObject(13), rs.getString(14)));
                }
            }
        }
        TimelineSource source = inRecovery ? TimelineSource.WAL_RECEIVER : TimelineSource.WAL_FILE;
        if (tli == null && inRecovery && walDirectoryTli != null) {
            tli = walDirectoryTli;
            source = TimelineSource.WAL_DIRECTORY;
        }
        if (tli == null && inRecovery) {
            tli = identifySystem(cluster, address);
            source = tli != null ? TimelineSource.IDENTIFY_SYSTEM : TimelineSource.CHECKPOINT;
        }
        if (tli == null) {
            tli = checkpointTli;
            source = TimelineSource.CHECKPOINT;
        }
        return new NodeObservation(address, null, inRecovery, tli, source, systemId, localNodeId, started, view);
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
     * Initialises pgjdbc's error reporting, which the first promotion otherwise does on the fencing path: the
     * demoted primary's connection fails with FATAL 57P01, or, once the server is gone, with an I/O error whose
     * message pgjdbc translates (its message bundle, MessageFormat; ~70 ms on the first event of a busy N=10
     * bench cell). No I/O.
     */
    public static String warmUp() {
        return describe(new PSQLException(new ServerErrorMessage(
                "SFATAL\0C57P01\0Mterminating connection due to administrator command\0"))) + "; "
                + describe(new PSQLException(GT.tr("An I/O error occurred while sending to the backend."),
                        PSQLState.CONNECTION_FAILURE, new java.io.EOFException()));
    }

    private Connection connection(ClusterConfig cluster, Address address) throws SQLException {
        Connection c = connections.get(address);
        if (c != null && !c.isClosed()) {
            return c;
        }
        c = open(cluster, address);
        c.setAutoCommit(true);
        connections.put(address, c);
        return c;
    }

    /** A new connection; one refused for want of a slot is asked for again ({@link #slots}). */
    private Connection open(ClusterConfig cluster, Address address) throws SQLException {
        try {
            return slots.executeCallable(() -> DriverManager.getConnection(url(cluster, address), properties(cluster)));
        } catch (SQLException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException("cannot connect to " + address + ": " + e, e);
        }
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
        // the whole login may take the discovery round's bound (3 x connectTimeout): pgjdbc's login timer also
        // runs while a cold JVM (a `pgfence render` the auditor starts over SSH) loads the driver's classes, which
        // on busy cores alone took longer than one connectTimeout; TCP connect and every read stay bounded above
        p.setProperty("loginTimeout", Long.toString(ceilSeconds(cluster.connectTimeout()) * 3));
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
