package org.pgfence.lab.it.audit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabNode;

/** Reads the auditor's tables straight from the lab's audit-store PostgreSQL, as an operator would with psql. */
final class AuditStoreRows {
    private final String url;

    AuditStoreRows(Lab lab) {
        LabNode store = lab.store();
        this.url = "jdbc:postgresql://" + store.address() + ":" + store.pgPort() + "/pgfence_audit?user=pgfence"
                + "&connectTimeout=5&socketTimeout=30";
    }

    /** Every row of {@code query} as column -> value (text), in order. */
    List<Map<String, String>> rows(String query, Object... params) {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, String>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int col = 1; col <= md.getColumnCount(); col++) {
                        row.put(md.getColumnLabel(col), rs.getString(col));
                    }
                    out.add(row);
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit store query failed: " + query + ": " + e.getMessage(), e);
        }
    }

    long count(String query, Object... params) {
        return Long.parseLong(rows(query, params).get(0).values().iterator().next());
    }

    /** The promotions of {@code cluster}, oldest first. */
    List<Map<String, String>> promotions(String cluster) {
        return rows("SELECT id, timeline, new_primary_name, former_primary_name, completed_at, duration_ms,"
                + " array_to_string(expected_hosts, ',') AS expected FROM promotion WHERE cluster = ? ORDER BY id", cluster);
    }

    /** The acks linked to promotion {@code id}, by host. */
    List<Map<String, String>> acks(long promotionId) {
        return rows("SELECT host, status, agent_id, timeline, ack_id, event_id FROM ack WHERE promotion_id = ?"
                + " ORDER BY host", promotionId);
    }

    List<Map<String, String>> remediations(long promotionId) {
        return rows("SELECT host, attempt, outcome, error FROM remediation WHERE promotion_id = ? ORDER BY host, attempt",
                promotionId);
    }

    /** Everything redelivery could duplicate: every promotion, event, ack, overdue and remediation row. */
    Map<String, List<Map<String, String>>> snapshot() {
        Map<String, List<Map<String, String>>> out = new LinkedHashMap<>();
        out.put("promotion", rows("SELECT id, cluster, timeline, first_event_id, completed_at FROM promotion ORDER BY id"));
        out.put("promotion_event", rows("SELECT event_id, promotion_id FROM promotion_event ORDER BY event_id"));
        out.put("ack", rows("SELECT id, ack_id, promotion_id, event_id, host, status FROM ack ORDER BY id"));
        out.put("overdue", rows("SELECT promotion_id, host FROM overdue ORDER BY promotion_id, host"));
        out.put("remediation", rows("SELECT promotion_id, host, attempt FROM remediation ORDER BY 1, 2, 3"));
        return out;
    }
}
