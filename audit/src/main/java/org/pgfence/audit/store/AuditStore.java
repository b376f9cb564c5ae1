package org.pgfence.audit.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import org.pgfence.events.AckStatus;
import org.pgfence.events.AgentHeartbeat;
import org.pgfence.events.ClusterRouting;
import org.pgfence.events.EventJson;
import org.pgfence.events.FencingAck;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.MaintenanceMode;
import org.pgfence.events.MasterPromoted;

/**
 * Every write to the audit store. Each is an upsert, so a redelivered record never duplicates a row:
 * promotions by (cluster, system identifier, timeline), their events by event id, acks by
 * (promotion, host) when the promotion they answer is known (by event id, or for a reconcile ack by its
 * exact epoch), else parked per (event id, host) or (cluster, host) until it is ({@link ParkedAcks}),
 * agents by host, what each host routes by (host, cluster).
 */
public final class AuditStore {
    private final StoreSession session;

    public AuditStore(StoreSession session) {
        this.session = session;
    }

    /** Stores the promotion (first announcement wins, with {@code expectedHosts} as its snapshot) and the event. */
    public PromotionWrite recordPromotion(MasterPromoted e, List<String> expectedHosts, Instant receivedAt) {
        return session.transaction("store promotion event " + e.eventId() + " of " + e.promotionKey(), c -> {
            long id;
            boolean inserted;
            try (PreparedStatement p = c.prepareStatement(Sql.UPSERT_PROMOTION)) {
                int i = 0;
                p.setString(++i, e.cluster());
                p.setString(++i, e.epoch().systemIdentifier());
                p.setInt(++i, e.epoch().timeline());
                p.setObject(++i, e.eventId());
                p.setInt(++i, e.newPrimary().nodeId());
                p.setString(++i, e.newPrimary().name());
                p.setString(++i, e.newPrimary().host());
                p.setInt(++i, e.newPrimary().port());
                setNullableInt(p, ++i, e.formerPrimary() == null ? null : e.formerPrimary().nodeId());
                p.setString(++i, e.formerPrimary() == null ? null : e.formerPrimary().name());
                p.setString(++i, e.trigger().wireName());
                p.setTimestamp(++i, ts(e.occurredAt()));
                p.setTimestamp(++i, ts(receivedAt));
                p.setArray(++i, c.createArrayOf("text", expectedHosts.toArray()));
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                    inserted = rs.getBoolean(2);
                }
            }
            boolean newEvent = insertEvent(c, e, id, receivedAt);
            if (newEvent) {
                ParkedAcks.adopt(c, e, id);
            }
            return new PromotionWrite(id, inserted, newEvent);
        });
    }

    private static boolean insertEvent(Connection c, MasterPromoted e, long promotionId, Instant receivedAt)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement(Sql.INSERT_EVENT)) {
            p.setObject(1, e.eventId());
            p.setLong(2, promotionId);
            p.setString(3, e.sourceHost());
            p.setString(4, e.trigger().wireName());
            p.setString(5, e.repmgrEvent());
            p.setTimestamp(6, ts(e.occurredAt()));
            p.setTimestamp(7, ts(receivedAt));
            return p.executeUpdate() == 1;
        }
    }

    /**
     * Stores an ack that completed at {@code completedAt} (the broker's append time, or the ack's own), recorded at
     * {@code recordedAt}; returns true when a row was inserted or improved (false for a redelivery).
     */
    public boolean recordAck(FencingAck a, Instant completedAt, Instant recordedAt) {
        return session.transaction("store ack " + a.ackId() + " of " + a.cluster() + "/" + a.host(), c -> {
            Long promotionId = a.eventId() == null ? ParkedAcks.promotionAtEpoch(c, a) : promotionOf(c, a);
            String sql = promotionId != null ? Sql.UPSERT_ACK_LINKED
                    : a.eventId() == null ? Sql.UPSERT_ACK_RECONCILE : Sql.UPSERT_ACK_UNLINKED;
            try (PreparedStatement p = c.prepareStatement(sql)) {
                int i = 0;
                p.setObject(++i, a.ackId());
                p.setObject(++i, a.eventId());
                setNullableLong(p, ++i, promotionId);
                p.setString(++i, a.cluster());
                p.setString(++i, a.host());
                p.setString(++i, a.agentId());
                p.setString(++i, a.status().name());
                p.setBoolean(++i, a.status().isGood());
                p.setString(++i, a.epoch() == null ? null : a.epoch().systemIdentifier());
                setNullableInt(p, ++i, a.epoch() == null ? null : a.epoch().timeline());
                p.setString(++i, json(a.targets()));
                p.setString(++i, a.configSha256());
                p.setString(++i, json(a.timings()));
                p.setTimestamp(++i, ts(completedAt));
                p.setString(++i, a.error());
                p.setTimestamp(++i, ts(recordedAt));
                boolean changed = p.executeUpdate() == 1;
                if (a.status() == AckStatus.PAUSED && a.eventId() != null) {
                    try (PreparedStatement q = c.prepareStatement("INSERT INTO fencing_pause (event_id, host, paused_at)"
                            + " VALUES (?, ?, ?) ON CONFLICT (event_id, host) DO NOTHING")) {
                        q.setObject(1, a.eventId());
                        q.setString(2, a.host());
                        q.setTimestamp(3, ts(completedAt));
                        q.executeUpdate();
                    }
                }
                return changed;
            }
        });
    }

    private static Long promotionOf(Connection c, FencingAck a) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT promotion_id FROM promotion_event WHERE event_id = ?")) {
            p.setObject(1, a.eventId());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /**
     * Registers or refreshes an agent, and stores what the host routes now per cluster when the heartbeat says (an
     * older agent's does not: its last routing, if any, stays); an older heartbeat (redelivered, reordered) never
     * moves either back.
     */
    public void recordAgent(AgentHeartbeat h) {
        session.transaction("store heartbeat of " + h.host(), c -> {
            try (PreparedStatement p = c.prepareStatement(Sql.UPSERT_AGENT)) {
                p.setString(1, h.host());
                p.setString(2, h.agentId());
                p.setArray(3, c.createArrayOf("text", h.clusters().toArray()));
                p.setArray(4, c.createArrayOf("text", h.databases().toArray()));
                p.setString(5, h.version());
                p.setTimestamp(6, ts(h.startedAt()));
                p.setTimestamp(7, ts(h.lastSeen()));
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement(Sql.UPSERT_ROUTING)) {
                for (ClusterRouting r : h.routing()) {
                    p.setString(1, h.host());
                    p.setString(2, r.cluster());
                    p.setString(3, h.agentId());
                    p.setTimestamp(4, ts(h.lastSeen()));
                    p.setString(5, json(r));
                    p.executeUpdate();
                }
            }
            return null;
        });
    }

    /** An operator's pause or resume of a cluster; an older record (redelivered, reordered) never replaces a newer. */
    public void recordMaintenance(MaintenanceMode m) {
        session.transaction("store maintenance mode of " + m.cluster(), c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO maintenance (cluster, paused, reason, operator,"
                    + " since, event_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (cluster) DO UPDATE SET paused ="
                    + " EXCLUDED.paused, reason = EXCLUDED.reason, operator = EXCLUDED.operator, since = EXCLUDED.since,"
                    + " event_id = EXCLUDED.event_id WHERE maintenance.since <= EXCLUDED.since")) {
                p.setString(1, m.cluster());
                p.setBoolean(2, m.paused());
                p.setString(3, m.reason());
                p.setString(4, m.operator());
                p.setTimestamp(5, ts(m.occurredAt()));
                p.setObject(6, m.eventId());
                return p.executeUpdate();
            }
        });
    }

    /**
     * A fencing-started, once per event id; published again to end it early, it keeps the earlier pause end (a
     * redelivered original never lengthens an ended hold).
     */
    public void recordIntent(FencingStarted f, Instant receivedAt) {
        session.transaction("store fencing-started " + f.eventId() + " of " + f.cluster(), c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO fencing_intent (event_id, cluster, source_host,"
                    + " intent, candidate_name, system_identifier, timeline, occurred_at, pause_until, received_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET pause_until ="
                    + " LEAST(fencing_intent.pause_until, EXCLUDED.pause_until)")) {
                int i = 0;
                p.setObject(++i, f.eventId());
                p.setString(++i, f.cluster());
                p.setString(++i, f.sourceHost());
                p.setString(++i, f.intent().name());
                p.setString(++i, f.candidate().name());
                p.setString(++i, f.epoch().systemIdentifier());
                p.setInt(++i, f.epoch().timeline());
                p.setTimestamp(++i, ts(f.occurredAt()));
                p.setTimestamp(++i, ts(f.pauseUntil()));
                p.setTimestamp(++i, ts(receivedAt));
                return p.executeUpdate();
            }
        });
    }

    /** A tombstone on the agents topic: the host is no longer registered. */
    public void forgetAgent(String host) {
        update("forget agent " + host, "DELETE FROM agent WHERE host = ?", host);
    }

    /** Grows the snapshot of an incomplete promotion (a qualifying heartbeat processed late). */
    public void setExpectedHosts(long promotionId, List<String> hosts) {
        session.transaction("update expected hosts of promotion " + promotionId, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE promotion SET expected_hosts = ? WHERE id = ? AND completed_at IS NULL")) {
                p.setArray(1, c.createArrayOf("text", hosts.toArray()));
                p.setLong(2, promotionId);
                return p.executeUpdate();
            }
        });
    }

    /** Records completion once; true only for the call that recorded it. */
    public boolean markComplete(long promotionId, Instant completedAt, long durationMs) {
        return session.transaction("mark promotion " + promotionId + " complete", c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE promotion SET completed_at = ?, duration_ms = ? WHERE id = ? AND completed_at IS NULL")) {
                p.setTimestamp(1, ts(completedAt));
                p.setLong(2, durationMs);
                p.setLong(3, promotionId);
                return p.executeUpdate() == 1;
            }
        });
    }

    /** Marks a host overdue for a promotion; true only the first time (so the ERROR is logged once). */
    public boolean markOverdue(long promotionId, String host, Instant at) {
        return session.transaction("mark " + host + " overdue for promotion " + promotionId, c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO overdue (promotion_id, host, marked_at)"
                    + " VALUES (?, ?, ?) ON CONFLICT (promotion_id, host) DO NOTHING")) {
                p.setLong(1, promotionId);
                p.setString(2, host);
                p.setTimestamp(3, ts(at));
                return p.executeUpdate() == 1;
            }
        });
    }

    /** Records one remediation attempt (attempt numbers start at 1); a repeated attempt number is ignored. */
    public void recordRemediation(RemediationRecord r) {
        session.transaction("record remediation of " + r.host() + " for promotion " + r.promotionId(), c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO remediation (promotion_id, host, attempt,"
                    + " outcome, error, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                p.setLong(1, r.promotionId());
                p.setString(2, r.host());
                p.setInt(3, r.attempt());
                p.setString(4, r.outcome());
                p.setString(5, r.error());
                p.setTimestamp(6, ts(r.at()));
                return p.executeUpdate();
            }
        });
    }

    private void update(String what, String sql, String arg) {
        session.transaction(what, c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setString(1, arg);
                return p.executeUpdate();
            }
        });
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static void setNullableInt(PreparedStatement p, int index, Integer v) throws SQLException {
        if (v == null) {
            p.setNull(index, Types.INTEGER);
        } else {
            p.setInt(index, v);
        }
    }

    private static void setNullableLong(PreparedStatement p, int index, Long v) throws SQLException {
        if (v == null) {
            p.setNull(index, Types.BIGINT);
        } else {
            p.setLong(index, v);
        }
    }

    private static String json(Object value) {
        try {
            return EventJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }
}
