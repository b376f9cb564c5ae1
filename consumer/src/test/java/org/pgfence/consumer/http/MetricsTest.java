package org.pgfence.consumer.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgfence.consumer.state.ClusterStatus;
import org.pgfence.events.AckStatus;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.Epoch;
import org.pgfence.events.NodeRef;

class MetricsTest {

    @Test
    void prometheusTextHasEveryFamilyWithHelpAndType() {
        Metrics m = new Metrics();
        m.epoch("main", 2);
        m.applied("lab", Metrics.EVENT, AckStatus.APPLIED, Duration.ofMillis(40));
        m.applied("lab", Metrics.EVENT, AckStatus.FAILED, Duration.ofMillis(300));
        m.poison();
        m.staleWriters("main", 1);
        m.version("0.2.0 (abc1234)");
        m.cluster("main", true, false, Instant.parse("2026-12-03T10:00:00.5Z"));
        m.cluster("other", false, true, Instant.parse("2026-12-03T10:00:01Z"));
        String text = m.prometheus();
        assertThat(text).contains("# TYPE pgfence_agent_last_epoch gauge\n")
                .contains("pgfence_agent_last_epoch{cluster=\"main\"} 2\n")
                .contains("pgfence_agent_last_apply_seconds 0.3\n")
                .contains("pgfence_agent_apply_seconds_bucket{cluster=\"lab\",trigger=\"event\",le=\"0.05\"} 1\n")
                .contains("pgfence_agent_apply_seconds_bucket{cluster=\"lab\",trigger=\"event\",le=\"0.5\"} 2\n")
                .contains("pgfence_agent_apply_seconds_bucket{cluster=\"lab\",trigger=\"event\",le=\"+Inf\"} 2\n")
                .contains("pgfence_agent_apply_seconds_count{cluster=\"lab\",trigger=\"event\"} 2\n")
                .contains("pgfence_agent_applies_total{status=\"APPLIED\"} 1\n")
                .contains("pgfence_agent_applies_total{status=\"FENCED_CLOSED\"} 0\n")
                .contains("pgfence_agent_poison_records_total 1\n")
                .contains("pgfence_agent_failures_total 1\n")
                .contains("# TYPE pgfence_agent_stale_writers gauge\n")
                .contains("pgfence_agent_stale_writers{cluster=\"main\"} 1\n")
                .contains("pgfence_agent_build_info{version=\"0.2.0 (abc1234)\"} 1\n")
                .contains("pgfence_agent_fenced_closed{cluster=\"main\"} 1\n")
                .contains("pgfence_agent_fenced_closed{cluster=\"other\"} 0\n")
                .contains("pgfence_agent_maintenance{cluster=\"other\"} 1\n")
                .contains("pgfence_agent_last_trigger_timestamp_seconds{cluster=\"main\"} 1.7962920005E9\n");
        assertThat(text.lines().filter(l -> !l.startsWith("#")))
                .allMatch(l -> l.matches("[a-z_]+(\\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*})? [0-9.E]+"));
    }

    @Test
    void fencingLatencyIsObservedOncePerPromotionAndTheTimerIsKeptApart() {
        Metrics m = new Metrics();
        m.applied("lab", Metrics.RECONCILE, AckStatus.UNCHANGED, Duration.ofMillis(3));
        m.fenced("lab", 2, Duration.ofMillis(180));
        m.fenced("lab", 2, Duration.ofMillis(900)); // the same failover announced again by notify
        m.fenced("lab", 3, Duration.ofMillis(-5)); // the producer's clock ahead of this host's
        String text = m.prometheus();
        assertThat(text).contains("pgfence_agent_apply_seconds_count{cluster=\"lab\",trigger=\"reconcile\"} 1\n")
                .doesNotContain("trigger=\"event\"")
                .contains("pgfence_agent_fencing_seconds_bucket{cluster=\"lab\",le=\"0.25\"} 1\n")
                .contains("pgfence_agent_fencing_seconds_count{cluster=\"lab\"} 1\n");
    }

    @Test
    void statusAndMetricsAreServedOverHttp() throws Exception {
        Metrics m = new Metrics();
        m.epoch("main", 2);
        ClusterStatus s = new ClusterStatus("main", new Epoch(2, "73"), List.of(DatabaseTarget.routed("appdb-rw", "rw",
                new NodeRef(2, "node2", "127.0.0.12", 5432))), AckStatus.APPLIED, Instant.parse("2026-11-25T20:07:16Z"),
                false, null);
        java.util.concurrent.atomic.AtomicReference<org.pgfence.runtime.http.Health> health =
                new java.util.concurrent.atomic.AtomicReference<>(new org.pgfence.runtime.http.Health(List.of()));
        try (StatusServer server = new StatusServer("127.0.0.1", 0, m, "node1", () -> List.of(s), health::get)) {
            server.start();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> status = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/status")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.body()).contains("\"host\" : \"node1\"").contains("\"lastStatus\" : \"APPLIED\"")
                    .contains("\"fencedClosed\" : false").contains("\"timeline\" : 2")
                    .contains("\"lastAckAt\" : \"2026-11-25T20:07:16Z\"");
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("pgfence_agent_last_epoch{cluster=\"main\"} 2");
            assertThat(metrics.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
            HttpRequest healthRequest = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                    .timeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> ok = client.send(healthRequest, HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("ok\n");
            health.set(new org.pgfence.runtime.http.Health(List.of("reconcile: none within 90 s (last: never)")));
            HttpResponse<String> sick = client.send(healthRequest, HttpResponse.BodyHandlers.ofString());
            assertThat(sick.statusCode()).isEqualTo(503);
            assertThat(sick.body()).contains("reconcile: none within 90 s");
        }
    }
}
