package org.pgfence.audit.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuditMetricsTest {

    @Test
    void theAuditMetricsRenderEveryFamily() {
        AuditMetrics m = new AuditMetrics();
        m.promotionSeen();
        m.promotionSeen();
        m.promotionComplete(Duration.ofMillis(340));
        m.overdueHosts(1);
        m.regressedHosts(2);
        m.remediation("applied");
        m.remediation("host_key_rejected");
        m.remediation("applied");
        m.poisonRecord("pgfence.acks");
        m.agents(java.util.List.of(new org.pgfence.audit.tracking.AgentRecord("pgb1", "pgb1/x", java.util.List.of("lab"),
                java.util.List.of("appdb-rw"), "0.2.0", java.time.Instant.parse("2026-12-03T10:00:00Z"),
                java.time.Instant.parse("2026-12-03T10:00:02.5Z"))));
        m.maintenance(java.util.List.of("lab"));
        java.util.Map<String, Integer> open = AuditMetrics.openStates();
        open.put("overdue", 1);
        java.util.Map<org.pgfence.audit.tracking.HostState, Integer> hosts = new java.util.EnumMap<>(
                org.pgfence.audit.tracking.HostState.class);
        hosts.put(org.pgfence.audit.tracking.HostState.ACKED, 2);
        hosts.put(org.pgfence.audit.tracking.HostState.OVERDUE, 1);
        m.clusters(java.util.Map.of("lab", open), java.util.Map.of("lab", hosts));
        String text = m.render();
        assertThat(text).contains(
                "# TYPE pgfence_audit_promotions_total counter\npgfence_audit_promotions_total 2\n",
                "pgfence_audit_promotions_complete_total 1\n",
                "# TYPE pgfence_audit_completion_seconds histogram\n",
                "pgfence_audit_completion_seconds_bucket{le=\"0.25\"} 0\n",
                "pgfence_audit_completion_seconds_bucket{le=\"0.5\"} 1\n",
                "pgfence_audit_completion_seconds_bucket{le=\"+Inf\"} 1\n",
                "pgfence_audit_completion_seconds_sum 0.34\n",
                "# TYPE pgfence_audit_overdue_hosts gauge\npgfence_audit_overdue_hosts 1\n",
                "# TYPE pgfence_audit_regressed_hosts gauge\npgfence_audit_regressed_hosts 2\n",
                "pgfence_audit_remediations_total{outcome=\"applied\"} 2\n",
                "pgfence_audit_remediations_total{outcome=\"host_key_rejected\"} 1\n",
                "pgfence_audit_poison_records_total{topic=\"pgfence.acks\"} 1\n",
                "pgfence_audit_agent_last_seen_timestamp_seconds{host=\"pgb1\"} 1.7962920025E9\n",
                "# TYPE pgfence_audit_maintenance gauge\npgfence_audit_maintenance{cluster=\"lab\"} 1\n",
                "# TYPE pgfence_audit_promotions_open gauge\n"
                        + "pgfence_audit_promotions_open{cluster=\"lab\",state=\"pending\"} 0\n"
                        + "pgfence_audit_promotions_open{cluster=\"lab\",state=\"overdue\"} 1\n",
                "# TYPE pgfence_audit_latest_promotion_hosts gauge\n"
                        + "pgfence_audit_latest_promotion_hosts{cluster=\"lab\",state=\"acked\"} 2\n"
                        + "pgfence_audit_latest_promotion_hosts{cluster=\"lab\",state=\"overdue\"} 1\n");
        assertThat(text).endsWith("\n");
    }
}
