package org.pgfence.audit.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;

/**
 * Acks stored before the promotion they answer was known ("parked"): an ack of an event not seen yet,
 * kept per (event id, host), and a reconcile ack, kept per (cluster, host). A reconcile ack at exactly a
 * promotion's epoch answers that promotion: the host verified the promoted primary itself, often before the
 * event reached it (an agent fenced closed re-checks on its own). When the promotion arrives, each parked
 * ack it adopts is merged into the promotion's (promotion, host) row with the same keep-the-best rule as any
 * ack, then removed from where it was parked.
 */
final class ParkedAcks {
    private static final String SELECT_PARKED = """
            SELECT id, ack_id, event_id, cluster, host, agent_id, status, good, system_identifier, timeline,
                targets::text AS targets, config_sha256, timings::text AS timings, completed_at, error, recorded_at
            FROM ack
            WHERE promotion_id IS NULL AND cluster = ?
              AND (event_id = ? OR (event_id IS NULL AND system_identifier = ? AND timeline = ?))
            ORDER BY id
            """;
    private static final String PROMOTION_AT_EPOCH =
            "SELECT id FROM promotion WHERE cluster = ? AND system_identifier = ? AND timeline = ?";

    private ParkedAcks() {
    }

    /** The promotion a reconcile ack answers: the one of its cluster at exactly its epoch, if known. */
    static Long promotionAtEpoch(Connection c, FencingAck a) throws SQLException {
        if (a.epoch() == null) {
            return null;
        }
        try (PreparedStatement p = c.prepareStatement(PROMOTION_AT_EPOCH)) {
            p.setString(1, a.cluster());
            p.setString(2, a.epoch().systemIdentifier());
            p.setInt(3, a.epoch().timeline());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** Merges the acks parked for {@code e} (by its event id, or reconcile acks at its epoch) into promotion {@code id}. */
    static int adopt(Connection c, MasterPromoted e, long promotionId) throws SQLException {
        List<Long> adopted = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement(SELECT_PARKED);
             PreparedStatement upsert = c.prepareStatement(Sql.UPSERT_ACK_LINKED)) {
            select.setString(1, e.cluster());
            select.setObject(2, e.eventId());
            select.setString(3, e.epoch().systemIdentifier());
            select.setInt(4, e.epoch().timeline());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    copy(rs, upsert, promotionId);
                    upsert.executeUpdate();
                    adopted.add(rs.getLong("id"));
                }
            }
        }
        if (!adopted.isEmpty()) {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM ack WHERE id = ANY (?)")) {
                Array ids = c.createArrayOf("bigint", adopted.toArray());
                delete.setArray(1, ids);
                delete.executeUpdate();
            }
        }
        return adopted.size();
    }

    /** Binds a parked row to {@link Sql#UPSERT_ACK_LINKED}'s parameters, linked to {@code promotionId}. */
    private static void copy(ResultSet rs, PreparedStatement p, long promotionId) throws SQLException {
        int i = 0;
        p.setObject(++i, rs.getObject("ack_id"));
        p.setObject(++i, rs.getObject("event_id"));
        p.setLong(++i, promotionId);
        p.setString(++i, rs.getString("cluster"));
        p.setString(++i, rs.getString("host"));
        p.setString(++i, rs.getString("agent_id"));
        p.setString(++i, rs.getString("status"));
        p.setBoolean(++i, rs.getBoolean("good"));
        p.setString(++i, rs.getString("system_identifier"));
        int timeline = rs.getInt("timeline");
        if (rs.wasNull()) {
            p.setNull(++i, Types.INTEGER);
        } else {
            p.setInt(++i, timeline);
        }
        p.setString(++i, rs.getString("targets"));
        p.setString(++i, rs.getString("config_sha256"));
        p.setString(++i, rs.getString("timings"));
        p.setTimestamp(++i, rs.getTimestamp("completed_at"));
        p.setString(++i, rs.getString("error"));
        p.setTimestamp(++i, rs.getTimestamp("recorded_at"));
    }
}
