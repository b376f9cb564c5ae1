package org.pgfence.audit.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.pgfence.audit.tracking.AckRecord;
import org.pgfence.audit.tracking.AgentRecord;
import org.pgfence.audit.tracking.HostReports;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.audit.tracking.RoutingRecord;
import org.pgfence.events.AckStatus;
import org.pgfence.events.ClusterRouting;
import org.pgfence.events.Epoch;
import org.pgfence.events.EventJson;
import org.pgfence.events.FormerPrimary;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;

/** Every read of the audit store, returning the tracking model. */
public final class AuditQueries {
    private final StoreSession session;

    public AuditQueries(StoreSession session) {
        this.session = session;
    }

    public List<AgentRecord> agents() {
        return session.transaction("read agents", c -> {
            List<AgentRecord> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT host, agent_id, clusters, databases, version,"
                    + " started_at, last_seen FROM agent ORDER BY host");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new AgentRecord(rs.getString(1), rs.getString(2), strings(rs.getArray(3)),
                            strings(rs.getArray(4)), rs.getString(5), instant(rs, 6), instant(rs, 7)));
                }
            }
            return out;
        });
    }

    /** The latest routing each host reported for {@code cluster}, by host. */
    public List<RoutingRecord> routing(String cluster) {
        return session.transaction("read the routing hosts report for " + cluster, c -> {
            List<RoutingRecord> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT host, reported_at, routing::text FROM host_routing"
                    + " WHERE cluster = ? ORDER BY host")) {
                p.setString(1, cluster);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(new RoutingRecord(rs.getString(1), parseRouting(rs.getString(3)), instant(rs, 2)));
                    }
                }
            }
            return out;
        });
    }

    /** A round trip to the store (the auditor's /health); a StoreException says why it failed. */
    public void ping() {
        session.transaction("health check", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT 1"); ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        });
    }

    /** The clusters an operator paused ({@code pgfence pause}), with who, since when and why. */
    public List<MaintenanceRecord> pausedClusters() {
        return session.transaction("read the clusters in maintenance", c -> {
            List<MaintenanceRecord> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT cluster, reason, operator, since FROM maintenance"
                    + " WHERE paused ORDER BY cluster"); ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new MaintenanceRecord(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4)));
                }
            }
            return out;
        });
    }

    /** What the hosts of {@code cluster} said besides their acks: registered agents, the routing each reports. */
    public HostReports reports(String cluster) {
        return HostReports.of(cluster, agents(), routing(cluster));
    }

    /** Incomplete promotions, oldest first, at most {@code limit}; of one cluster when {@code cluster} is set. */
    public List<Promotion> incompletePromotions(String cluster, int limit) {
        String sql = "SELECT " + Sql.PROMOTION_COLUMNS + " FROM promotion WHERE completed_at IS NULL"
                + (cluster == null ? "" : " AND cluster = ?") + " ORDER BY occurred_at LIMIT " + limit;
        return promotions("read incomplete promotions", sql, cluster);
    }

    /** The last {@code last} promotions, newest first, optionally of one cluster. */
    public List<Promotion> recentPromotions(String cluster, int last) {
        String sql = "SELECT " + Sql.PROMOTION_COLUMNS + " FROM promotion"
                + (cluster == null ? "" : " WHERE cluster = ?") + " ORDER BY occurred_at DESC, id DESC LIMIT " + last;
        return promotions("read recent promotions", sql, cluster);
    }

    /** The latest promotion of each cluster (of one cluster when set), by epoch. */
    public List<Promotion> latestPerCluster(String cluster) {
        String sql = "SELECT DISTINCT ON (cluster) " + Sql.PROMOTION_COLUMNS + " FROM promotion"
                + (cluster == null ? "" : " WHERE cluster = ?") + " ORDER BY cluster, occurred_at DESC, timeline DESC";
        return promotions("read latest promotions", sql, cluster);
    }

    private List<Promotion> promotions(String what, String sql, String cluster) {
        return session.transaction(what, c -> {
            List<Promotion> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(sql)) {
                if (cluster != null) {
                    p.setString(1, cluster);
                }
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(promotion(rs));
                    }
                }
            }
            return out;
        });
    }

    public List<AckRecord> acksFor(Promotion promotion) {
        return session.transaction("read acks of promotion " + promotion.id(), c -> {
            List<AckRecord> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(Sql.ACKS_FOR_PROMOTION)) {
                p.setString(1, promotion.cluster());
                p.setArray(2, c.createArrayOf("text", promotion.expectedHosts().toArray()));
                p.setLong(3, promotion.id());
                p.setString(4, promotion.epoch().systemIdentifier());
                p.setInt(5, promotion.epoch().timeline());
                p.setTimestamp(6, AuditStore.ts(promotion.occurredAt()));
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(ack(rs));
                    }
                }
            }
            return out;
        });
    }

    /** The promotion stored as {@code id}, if any. */
    public java.util.Optional<Promotion> promotion(long id) {
        return session.transaction("read promotion " + id, c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + Sql.PROMOTION_COLUMNS
                    + " FROM promotion WHERE id = ?")) {
                p.setLong(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? java.util.Optional.of(promotion(rs)) : java.util.Optional.empty();
                }
            }
        });
    }

    /** The times of each host's ack linked to promotion {@code promotionId}, by host. */
    public Map<String, AckTimes> ackTimes(long promotionId) {
        return session.transaction("read ack times of promotion " + promotionId, c -> {
            Map<String, AckTimes> out = new LinkedHashMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT host, status, timings, completed_at, recorded_at"
                    + " FROM ack WHERE promotion_id = ? ORDER BY host")) {
                p.setLong(1, promotionId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        com.fasterxml.jackson.databind.JsonNode t = parseTimings(rs.getString("timings"));
                        out.put(rs.getString("host"), new AckTimes(rs.getString("host"), rs.getString("status"),
                                instantOrNull(t.path("receivedAt")), instant(rs, "completed_at"),
                                instant(rs, "recorded_at"), longOrNull(t.path("discoverMillis")),
                                longOrNull(t.path("applyMillis"))));
                    }
                }
            }
            return out;
        });
    }

    /**
     * The hold two-phase fencing put before promotion {@code p}, if any: the latest fencing-started of its cluster and
     * system, from a lower timeline, published no later than the promotion occurred and holding at that moment; with
     * each host's PAUSED ack of it.
     */
    public java.util.Optional<Hold> hold(Promotion p) {
        return session.transaction("read the hold before promotion " + p.id(), c -> {
            Hold hold = null;
            try (PreparedStatement q = c.prepareStatement("SELECT event_id, intent, source_host, candidate_name,"
                    + " occurred_at, pause_until FROM fencing_intent WHERE cluster = ? AND system_identifier = ?"
                    + " AND timeline < ? AND occurred_at <= ? AND pause_until >= ? ORDER BY occurred_at DESC LIMIT 1")) {
                q.setString(1, p.cluster());
                q.setString(2, p.epoch().systemIdentifier());
                q.setInt(3, p.epoch().timeline());
                q.setTimestamp(4, java.sql.Timestamp.from(p.occurredAt()));
                q.setTimestamp(5, java.sql.Timestamp.from(p.occurredAt()));
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return java.util.Optional.<Hold>empty();
                    }
                    hold = new Hold(rs.getObject("event_id", UUID.class), rs.getString("intent"),
                            rs.getString("source_host"), rs.getString("candidate_name"), instant(rs, "occurred_at"),
                            instant(rs, "pause_until"), Map.of());
                }
            }
            Map<String, Instant> paused = new LinkedHashMap<>();
            try (PreparedStatement q = c.prepareStatement("SELECT host, paused_at FROM fencing_pause WHERE event_id = ?"
                    + " ORDER BY host")) {
                q.setObject(1, hold.eventId());
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        paused.put(rs.getString("host"), instant(rs, "paused_at"));
                    }
                }
            }
            return java.util.Optional.of(new Hold(hold.eventId(), hold.intent(), hold.sourceHost(), hold.candidate(),
                    hold.occurredAt(), hold.pauseUntil(), paused));
        });
    }

    /** When the auditor first received an event announcing promotion {@code promotionId} (its clock). */
    public java.util.Optional<Instant> firstAnnounced(long promotionId) {
        return session.transaction("read the events of promotion " + promotionId, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT min(received_at) FROM promotion_event WHERE promotion_id = ?")) {
                p.setLong(1, promotionId);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? java.util.Optional.ofNullable(instant(rs, 1)) : java.util.Optional.empty();
                }
            }
        });
    }

    private static com.fasterxml.jackson.databind.JsonNode parseTimings(String json) {
        try {
            return EventJson.mapper().readTree(json == null ? "{}" : json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable ack timings: " + e.getOriginalMessage(), e);
        }
    }

    private static Instant instantOrNull(com.fasterxml.jackson.databind.JsonNode n) {
        return n.isTextual() ? Instant.parse(n.asText()) : null;
    }

    private static Long longOrNull(com.fasterxml.jackson.databind.JsonNode n) {
        return n.isNumber() ? n.asLong() : null;
    }

    /** When each host was first marked overdue for {@code promotionId}. */
    public Map<String, Instant> overdue(long promotionId) {
        return session.transaction("read overdue hosts of promotion " + promotionId, c -> {
            Map<String, Instant> out = new LinkedHashMap<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT host, marked_at FROM overdue WHERE promotion_id = ? ORDER BY host")) {
                p.setLong(1, promotionId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), instant(rs, 2));
                    }
                }
            }
            return out;
        });
    }

    /** Every remediation attempt for {@code promotionId}, in order. */
    public List<RemediationRecord> remediations(long promotionId) {
        return session.transaction("read remediations of promotion " + promotionId, c -> {
            List<RemediationRecord> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT promotion_id, host, attempt, outcome, error, at"
                    + " FROM remediation WHERE promotion_id = ? ORDER BY host, attempt")) {
                p.setLong(1, promotionId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(new RemediationRecord(rs.getLong(1), rs.getString(2), rs.getInt(3),
                                rs.getString(4), rs.getString(5), instant(rs, 6)));
                    }
                }
            }
            return out;
        });
    }

    private static Promotion promotion(ResultSet rs) throws SQLException {
        int formerId = rs.getInt("former_primary_id");
        FormerPrimary former = rs.wasNull() ? null : new FormerPrimary(formerId, rs.getString("former_primary_name"));
        return new Promotion(rs.getLong("id"), rs.getObject("first_event_id", UUID.class), rs.getString("cluster"),
                new Epoch(rs.getInt("timeline"), rs.getString("system_identifier")),
                new NodeRef(rs.getInt("new_primary_id"), rs.getString("new_primary_name"),
                        rs.getString("new_primary_host"), rs.getInt("new_primary_port")),
                former, Trigger.fromWire(rs.getString("trigger")), instant(rs, "occurred_at"),
                instant(rs, "first_seen_at"), instant(rs, "completed_at"), strings(rs.getArray("expected_hosts")));
    }

    private static AckRecord ack(ResultSet rs) throws SQLException {
        long promotionId = rs.getLong("promotion_id");
        Long linked = rs.wasNull() ? null : promotionId;
        int timeline = rs.getInt("timeline");
        Epoch epoch = rs.wasNull() || rs.getString("system_identifier") == null ? null
                : new Epoch(timeline, rs.getString("system_identifier"));
        return new AckRecord(rs.getObject("ack_id", UUID.class), rs.getObject("event_id", UUID.class), linked,
                rs.getString("cluster"), rs.getString("host"), rs.getString("agent_id"),
                AckStatus.valueOf(rs.getString("status")), epoch, instant(rs, "completed_at"), rs.getString("error"));
    }

    private static ClusterRouting parseRouting(String json) {
        try {
            return EventJson.mapper().readValue(json, ClusterRouting.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable host_routing row: " + e.getOriginalMessage(), e);
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        java.sql.Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        java.sql.Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
