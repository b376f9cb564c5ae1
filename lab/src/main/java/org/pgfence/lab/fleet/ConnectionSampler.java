package org.pgfence.lab.fleet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.pgfence.events.EpochSql;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.bench.Percentiles;
import org.pgfence.process.Threads;

/**
 * What every PostgreSQL node sees of the fleet: every {@value #PERIOD_MS} ms, on a thread per node and over a
 * connection of its own (opened before the agents start, so it holds its slot), the backends whose application_name
 * is the agents' ({@code pgfence-agent}, set by the agent's probe) and all client backends, from
 * {@code pg_stat_activity}, and whether the node is a primary, at which timeline. A node that does not answer
 * (crashed, or full when the sampler must reconnect) leaves a gap and is retried next period.
 */
final class ConnectionSampler implements AutoCloseable {
    static final long PERIOD_MS = 100;
    static final String AGENT_APPLICATION = "pgfence-agent";
    static final String SQL = "SELECT count(*) FILTER (WHERE application_name = ?),"
            + " count(*) FILTER (WHERE backend_type = 'client backend'), current_setting('max_connections')::int,"
            + " pg_is_in_recovery(), " + EpochSql.TIMELINE + " FROM pg_stat_activity";

    record Sample(Instant at, int agents, int clients, int maxConnections, boolean inRecovery, int timeline) {
    }

    /** A node that answered as a primary, at its timeline. */
    record Primary(LabNode node, int timeline) {
    }

    private final Map<LabNode, List<Sample>> samples = new LinkedHashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private final Clock clock;

    ConnectionSampler(List<LabNode> nodes, Clock clock) {
        this.clock = clock;
        for (LabNode n : nodes) {
            samples.put(n, new ArrayList<>());
            threads.add(Threads.start("fleet-connections-" + n.name(), () -> run(n)));
        }
    }

    private void run(LabNode node) {
        Connection c = null;
        try {
            do {
                try {
                    if (c == null) {
                        c = connect(node);
                    }
                    Sample s = sample(c);
                    List<Sample> list = samples.get(node);
                    synchronized (list) {
                        list.add(s);
                    }
                } catch (SQLException e) {
                    close(c);
                    c = null;
                }
            } while (!stop.await(PERIOD_MS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(c);
        }
    }

    private Sample sample(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, AGENT_APPLICATION);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Sample(clock.instant(), rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getBoolean(4),
                        rs.getInt(5));
            }
        }
    }

    /** The node's samples in [from, to]. */
    NodeConnections window(LabNode node, Instant from, Instant to) {
        List<Sample> list = samples.get(node);
        List<Sample> in;
        synchronized (list) {
            in = list.stream().filter(s -> !s.at().isBefore(from) && !s.at().isAfter(to)).toList();
        }
        List<Long> agents = in.stream().map(s -> (long) s.agents()).toList();
        return new NodeConnections(node.name(), in.size(), Percentiles.median(agents), Percentiles.of(agents).max(),
                in.stream().mapToLong(Sample::clients).max().orElse(-1),
                in.stream().mapToInt(Sample::maxConnections).max().orElse(-1));
    }

    /**
     * The node that last answered as a primary at or after {@code since} (the highest timeline if several did), other
     * than {@code excluded}. Read over the sampler's own connections, which hold their slots: it still answers when
     * the nodes are too full for a new connection, the lab's own probes' included.
     */
    Optional<Primary> primary(Instant since, LabNode excluded) {
        Primary best = null;
        for (Map.Entry<LabNode, List<Sample>> e : samples.entrySet()) {
            if (e.getKey().equals(excluded)) {
                continue;
            }
            Sample last;
            synchronized (e.getValue()) {
                last = e.getValue().isEmpty() ? null : e.getValue().get(e.getValue().size() - 1);
            }
            if (last != null && !last.at().isBefore(since) && !last.inRecovery()
                    && (best == null || last.timeline() > best.timeline())) {
                best = new Primary(e.getKey(), last.timeline());
            }
        }
        return Optional.ofNullable(best);
    }

    /** Every node's window. */
    List<NodeConnections> windows(Instant from, Instant to) {
        return samples.keySet().stream().map(n -> window(n, from, to)).toList();
    }

    private static Connection connect(LabNode node) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "1");
        p.setProperty("socketTimeout", "2");
        p.setProperty("loginTimeout", "2");
        p.setProperty("ApplicationName", "pgfence-fleet-sampler");
        return DriverManager.getConnection("jdbc:postgresql://" + node.address() + ":" + node.pgPort() + "/postgres", p);
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // broken already
            }
        }
    }

    @Override
    public void close() {
        stop.countDown();
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
