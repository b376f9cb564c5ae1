package org.pgfence.consumer.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.pgfence.consumer.state.ClusterStatus;
import org.pgfence.events.EventJson;
import org.pgfence.process.Threads;

/**
 * {@code GET /metrics} (Prometheus text) and {@code GET /status} (JSON) on the JDK HTTP server, bound to
 * 127.0.0.1 by default, one daemon thread.
 */
public final class StatusServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    public StatusServer(String bind, int port, Metrics metrics, String host, Supplier<List<ClusterStatus>> status)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        executor = Executors.newSingleThreadExecutor(Threads.daemons("pgfence-http"));
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> reply(ex, "text/plain; version=0.0.4; charset=utf-8",
                metrics.prometheus()));
        server.createContext("/status", ex -> reply(ex, "application/json", json(host, status.get())));
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
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

    private static void reply(HttpExchange ex, String type, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(200, bytes.length);
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
