package org.pgfence.consumer.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.pgfence.consumer.state.ClusterStatus;
import org.pgfence.events.EventJson;
import org.pgfence.runtime.http.Health;
import org.pgfence.runtime.http.HttpEndpoint;

/**
 * {@code GET /metrics} (Prometheus text), {@code GET /status} (JSON) and {@code GET /health} (200 or 503) on the JDK
 * HTTP server, on 127.0.0.1:9180 by default, one daemon thread.
 */
public final class StatusServer implements AutoCloseable {
    private final HttpEndpoint endpoint;

    public StatusServer(String bind, int port, Metrics metrics, String host, Supplier<List<ClusterStatus>> status,
                        Supplier<Health> health) throws IOException {
        endpoint = new HttpEndpoint(bind, port, "pgfence-http").metrics(metrics::prometheus)
                .page("/status", "application/json", () -> json(host, status.get())).health(health);
    }

    public void start() {
        endpoint.start();
    }

    public int port() {
        return endpoint.port();
    }

    /** The {@code /status} document. */
    public static String json(String host, List<ClusterStatus> clusters) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("host", host);
        doc.put("clusters", clusters);
        try {
            return EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render status", e);
        }
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
