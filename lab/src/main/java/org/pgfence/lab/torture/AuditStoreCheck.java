package org.pgfence.lab.torture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.pgfence.events.AgentHeartbeat;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.drill.Fencing;

/**
 * I4: nothing lost between Kafka and the audit store. Every {@code master-promoted} the promotions topic carried
 * is recorded as (or linked to) a promotion; every ack answering an event has its row (the store keeps the latest
 * per promotion and host); every host that sent a heartbeat is a registered agent, last seen no earlier than its
 * last heartbeat. The store is given {@link #DRAIN} to catch up before what is still missing is reported.
 */
final class AuditStoreCheck {
    static final Duration DRAIN = Duration.ofSeconds(30);

    private AuditStoreCheck() {
    }

    static List<String> missing(Fencing fencing, Lab lab, String cluster) {
        Instant end = Instant.now().plus(DRAIN);
        List<String> missing = check(fencing, lab, cluster);
        while (!missing.isEmpty() && Instant.now().isBefore(end)) {
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos()); // the store's ingest is asynchronous
            missing = check(fencing, lab, cluster);
        }
        return missing;
    }

    private static List<String> check(Fencing fencing, Lab lab, String cluster) {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url(lab))) {
            for (MasterPromoted m : fencing.watch().events(MasterPromoted.class, e -> e.cluster().equals(cluster))) {
                if (!exists(c, "SELECT 1 FROM promotion_event WHERE event_id = ? UNION ALL"
                        + " SELECT 1 FROM promotion WHERE first_event_id = ?", m.eventId(), m.eventId())) {
                    out.add("I4: master-promoted " + m.eventId() + " (timeline " + m.epoch().timeline()
                            + ") is not in the audit store");
                }
            }
            for (FencingAck a : fencing.watch().events(FencingAck.class, e -> e.cluster().equals(cluster)
                    && e.eventId() != null)) {
                if (!exists(c, "SELECT 1 FROM ack WHERE host = ? AND (event_id = ? OR promotion_id = (SELECT"
                        + " promotion_id FROM promotion_event WHERE event_id = ?))", a.host(), a.eventId(), a.eventId())) {
                    out.add("I4: no ack row of " + a.host() + " for event " + a.eventId() + " (" + a.status() + ")");
                }
            }
            // the latest heartbeat of each host, by the run's own uptime (a duration, free of a skewed clock: the
            // store keeps the broker's times, last_seen - started_at is the uptime the stored heartbeat reported)
            Map<String, AgentHeartbeat> lastBeat = fencing.watch().events(AgentHeartbeat.class, h -> true).stream()
                    .collect(Collectors.toMap(AgentHeartbeat::host, h -> h, (x, y) -> fencing.watch().seenAt(y)
                            .isBefore(fencing.watch().seenAt(x)) ? x : y));
            for (AgentHeartbeat beat : lastBeat.values()) {
                long uptime = java.time.Duration.between(beat.startedAt(), beat.lastSeen()).toMillis();
                if (!exists(c, "SELECT 1 FROM agent WHERE host = ? AND agent_id = ?"
                        + " AND extract(epoch FROM last_seen - started_at) * 1000 >= ?", beat.host(), beat.agentId(),
                        uptime - 1)) {
                    out.add("I4: agent " + beat.host() + "'s heartbeat at " + uptime + " ms of run " + beat.agentId()
                            + " is not in the audit store");
                }
            }
        } catch (SQLException e) {
            out.add("I4: the audit store could not be read: " + e.getMessage());
        }
        return out;
    }

    /** The audit store as the observer reads it, over one connection reopened after a failure. */
    static final class View implements AutoCloseable {
        private final String url;
        private Connection connection;

        View(Lab lab) {
            this.url = url(lab);
        }

        /** The promotions of {@code cluster} the store records as complete; empty if it cannot be read now. */
        List<Invariants.Completion> completions(String cluster) {
            List<Invariants.Completion> out = new ArrayList<>();
            try {
                if (connection == null || connection.isClosed()) {
                    connection = DriverManager.getConnection(url);
                }
                try (PreparedStatement ps = connection.prepareStatement("SELECT id, timeline, completed_at,"
                        + " new_primary_host || ':' || new_primary_port, expected_hosts FROM promotion"
                        + " WHERE cluster = ? AND completed_at IS NOT NULL ORDER BY id")) {
                    ps.setString(1, cluster);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new Invariants.Completion(rs.getLong(1), rs.getInt(2),
                                    rs.getTimestamp(3).toInstant(), rs.getString(4),
                                    List.of((String[]) rs.getArray(5).getArray())));
                        }
                    }
                }
            } catch (SQLException e) {
                close();
            }
            return out;
        }

        @Override
        public void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // reopened at the next look
                }
                connection = null;
            }
        }
    }

    static String url(Lab lab) {
        LabNode store = lab.store();
        return "jdbc:postgresql://" + store.address() + ":" + store.pgPort() + "/pgfence_audit?user=pgfence"
                + "&connectTimeout=3&socketTimeout=10";
    }

    private static boolean exists(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i] instanceof UUID u ? u : args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
