package org.pgfence.audit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuditMetricsTest {

    @Test
    void histogramBucketsAreCumulativeWithInfSumAndCount() {
        Histogram h = new Histogram("x_seconds", "help text", 0.5, 1, 5);
        h.observe(0.2);
        h.observe(0.5);
        h.observe(3);
        h.observe(60);
        StringBuilder out = new StringBuilder();
        h.render(out);
        assertThat(out.toString()).isEqualTo("""
                # HELP x_seconds help text
                # TYPE x_seconds histogram
                x_seconds_bucket{le="0.5"} 2
                x_seconds_bucket{le="1.0"} 2
                x_seconds_bucket{le="5.0"} 3
                x_seconds_bucket{le="+Inf"} 4
                x_seconds_sum 63.7
                x_seconds_count 4
                """);
    }

    @Test
    void unsortedBoundsAreRejected() {
        assertThatThrownBy(() -> new Histogram("x", "h", 5, 1)).isInstanceOf(IllegalArgumentException.class);
    }

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
                "pgfence_audit_poison_records_total{topic=\"pgfence.acks\"} 1\n");
        assertThat(text).endsWith("\n");
    }

    @Test
    void labelValuesAreEscaped() {
        assertThat(AuditMetrics.escape("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
    }
}
