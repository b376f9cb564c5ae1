package org.pgfence.lab.it.audit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Scrapes the auditor's {@code /metrics} (Prometheus text) like Prometheus would. */
final class AuditorMetrics {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;

    AuditorMetrics(String address, int port) {
        this.uri = URI.create("http://" + address + ":" + port + "/metrics");
    }

    /** Every sample, keyed by name with its labels as printed ({@code name{outcome="applied"}}). */
    Map<String, Double> scrape() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri + " answered " + r.statusCode());
            }
            Map<String, Double> out = new HashMap<>();
            for (String line : r.body().split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int space = line.lastIndexOf(' ');
                    out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("GET " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted scraping " + uri, e);
        }
    }

    /** One sample, 0 when absent (a labelled counter that never moved is not printed). */
    double value(String sample) {
        return scrape().getOrDefault(sample, 0.0);
    }
}
