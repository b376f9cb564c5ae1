package org.pgfence.consumer.config;

/** The metrics/status endpoint; {@code port} 0 turns it off. */
/** The agent's /metrics, /status and /health endpoint: on by default on 127.0.0.1:9180; port 0 turns it off. */
public record HttpConfig(String bind, int port) {
    public static final int DEFAULT_PORT = 9180;

    public boolean enabled() {
        return port > 0;
    }
}
