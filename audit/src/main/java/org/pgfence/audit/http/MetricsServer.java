package org.pgfence.audit.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import org.pgfence.audit.config.HttpSettings;
import org.pgfence.runtime.http.Health;
import org.pgfence.runtime.http.HttpEndpoint;

/**
 * Serves {@code /metrics} (Prometheus text), {@code /health} (200 or 503), and {@code /promotions} (an index of recent
 * promotions) with {@code /promotions/<id>} (one promotion's timeline, per host), HTML. One daemon thread.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpEndpoint endpoint;

    public MetricsServer(HttpSettings settings, AuditMetrics metrics, Supplier<Health> health) {
        this(settings, metrics, health, path -> java.util.Optional.empty());
    }

    /** As above, with {@code pages} answering each {@code /promotions...} path (empty: 404). */
    public MetricsServer(HttpSettings settings, AuditMetrics metrics, Supplier<Health> health,
                         java.util.function.Function<String, java.util.Optional<String>> pages) {
        try {
            endpoint = new HttpEndpoint(settings.bind(), settings.port(), "audit-http").metrics(metrics::render)
                    .health(health).pages("/promotions", "text/html; charset=utf-8", pages);
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
