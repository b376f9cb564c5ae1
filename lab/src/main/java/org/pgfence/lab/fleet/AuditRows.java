package org.pgfence.lab.fleet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.pgfence.lab.LabNode;

/**
 * What the auditor recorded of one promotion, read from its store as an operator would with psql: when it first saw
 * the promotion and completed it, and when it recorded each host's ack (the row it kept: the host's best ack).
 */
final class AuditRows {
    /** The promotion's row, and the recording time of each host's kept ack by its ack id. */
    record Promotion(Instant firstSeen, Instant completed, Long durationMs, Map<UUID, Instant> recorded) {
    }

    private final String url;

    AuditRows(LabNode store) {
        this.url = "jdbc:postgresql://" + store.address() + ":" + store.pgPort() + "/pgfence_audit?user=pgfence"
                + "&connectTimeout=5&socketTimeout=30";
    }

    /** The promotion of {@code cluster} at {@code timeline}, if the auditor has it. */
    Optional<Promotion> promotion(String cluster, int timeline) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement p = c.prepareStatement("SELECT id, first_seen_at, completed_at, duration_ms FROM promotion"
                     + " WHERE cluster = ? AND timeline = ?")) {
            p.setString(1, cluster);
            p.setInt(2, timeline);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long id = rs.getLong(1);
                Instant firstSeen = rs.getTimestamp(2).toInstant();
                Instant completed = rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant();
                Long duration = (Long) rs.getObject(4);
                return Optional.of(new Promotion(firstSeen, completed, duration, recorded(c, id)));
            }
        }
    }

    private static Map<UUID, Instant> recorded(Connection c, long promotionId) throws SQLException {
        Map<UUID, Instant> out = new LinkedHashMap<>();
        try (PreparedStatement p = c.prepareStatement("SELECT ack_id, recorded_at FROM ack WHERE promotion_id = ?")) {
            p.setLong(1, promotionId);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.put((UUID) rs.getObject(1), rs.getTimestamp(2).toInstant());
                }
            }
        }
        return out;
    }
}
