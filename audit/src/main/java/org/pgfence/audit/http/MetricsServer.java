package org.pgfence.audit.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import org.pgfence.audit.config.HttpSettings;
import org.pgfence.runtime.http.Health;
import org.pgfence.runtime.http.HttpEndpoint;

/** Serves {@code /metrics} (Prometheus text) and {@code /health} (200 or 503). One daemon thread. */
public final class MetricsServer implements AutoCloseable {
    private final HttpEndpoint endpoint;

    public MetricsServer(HttpSettings settings, AuditMetrics metrics, Supplier<Health> health) {
        try {
            endpoint = new HttpEndpoint(settings.bind(), settings.port(), "audit-http").metrics(metrics::render)
                    .health(health);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.bind() + ":" + settings.port()
                    + " for metrics", e);
        }
    }

    public void start() {
        endpoint.start();
    }

    public int port() {
        return endpoint.port();
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
