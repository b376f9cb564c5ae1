package org.pgfence.runtime.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.pgfence.process.Threads;

/**
 * The HTTP endpoint of a pgfence daemon ({@code /metrics}, and {@code /status} or {@code /health}): the JDK's server
 * on one daemon thread, answering GET only, each page rendered when asked. One shape for the agent and the auditor.
 */
public final class HttpEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    /** Listens on {@code bind}:{@code port} ({@code 0}: any free port); serves nothing until {@link #start()}. */
    public HttpEndpoint(String bind, int port, String threadName) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        executor = Executors.newSingleThreadExecutor(Threads.daemons(threadName));
        server.setExecutor(executor);
    }

    /** Serves {@code page} at {@code path} as {@code contentType}. */
    public HttpEndpoint page(String path, String contentType, Supplier<String> page) {
        server.createContext(path, ex -> reply(ex, contentType, 200, page));
        return this;
    }

    /**
     * Serves the pages under {@code prefix}: {@code pages} gets the request's path and answers the page, or empty for
     * 404 (an unknown id).
     */
    public HttpEndpoint pages(String prefix, String contentType,
                              java.util.function.Function<String, java.util.Optional<String>> pages) {
        server.createContext(prefix, ex -> {
            java.util.Optional<String> page;
            try {
                page = pages.apply(ex.getRequestURI().getPath());
            } catch (RuntimeException e) { // the backing store is down: say so, do not drop the connection
                reply(ex, "text/plain; charset=utf-8", 503, () -> "unavailable: " + e.getMessage() + "\n");
                return;
            }
            reply(ex, page.isPresent() ? contentType : "text/plain; charset=utf-8", page.isPresent() ? 200 : 404,
                    () -> page.orElse("not found: " + ex.getRequestURI().getPath() + "\n"));
        });
        return this;
    }

    /** Serves {@code /health}: 200 when {@code health} is ok, else 503, with its text either way. */
    public HttpEndpoint health(Supplier<Health> health) {
        server.createContext("/health", ex -> {
            Health h = health.get();
            reply(ex, "text/plain; charset=utf-8", h.ok() ? 200 : 503, h::text);
        });
        return this;
    }

    /** Serves the Prometheus text of {@code metrics} at {@code /metrics}, followed by the {@link ProcessMetrics}. */
    public HttpEndpoint metrics(Supplier<String> metrics) {
        return page("/metrics", Exposition.CONTENT_TYPE, () -> {
            StringBuilder out = new StringBuilder(metrics.get());
            ProcessMetrics.render(out);
            return out.toString();
        });
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange ex, String type, int status, Supplier<String> page) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = page.get().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
