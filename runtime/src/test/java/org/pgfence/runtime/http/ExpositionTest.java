package org.pgfence.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exposition format, the histogram and the endpoint shared by the agent's and the auditor's metrics. */
class ExpositionTest {

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
    void labelValuesAreEscaped() {
        assertThat(Exposition.label("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
    }

    @Test
    void familiesHaveHelpTypeAndTheirSamples() {
        StringBuilder out = new StringBuilder();
        Map<String, Long> byStatus = new LinkedHashMap<>();
        byStatus.put("APPLIED", 3L);
        byStatus.put("FAILED", 0L);
        Exposition.labelled(out, "x_total", "counter", "Things.", "status", byStatus);
        Exposition.single(out, "x_seconds", "gauge", "Last.", Exposition.number(0.25));
        Exposition.single(out, "y_seconds", "gauge", "Whole.", Exposition.number(2));
        assertThat(out.toString()).isEqualTo("""
                # HELP x_total Things.
                # TYPE x_total counter
                x_total{status="APPLIED"} 3
                x_total{status="FAILED"} 0
                # HELP x_seconds Last.
                # TYPE x_seconds gauge
                x_seconds 0.25
                # HELP y_seconds Whole.
                # TYPE y_seconds gauge
                y_seconds 2.0
                """);
    }

    @Test
    void theEndpointServesGetOnlyWithTheContentTypeOfEachPage() throws Exception {
        try (HttpEndpoint endpoint = new HttpEndpoint("127.0.0.1", 0, "test-http").metrics(() -> "x 1\n")
                .page("/health", "text/plain; charset=utf-8", () -> "ok\n")) {
            endpoint.start();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            URI metrics = URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics");
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("x 1\n# HELP process_").as("the daemon's own, then ProcessMetrics'");
            assertThat(r.headers().firstValue("Content-Type")).hasValue(Exposition.CONTENT_TYPE);
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + endpoint.port() + "/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).isEqualTo("ok\n");
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }
}
