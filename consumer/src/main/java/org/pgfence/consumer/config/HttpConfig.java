package org.pgfence.consumer.config;

/** The metrics/status endpoint; {@code port} 0 turns it off. */
public record HttpConfig(String bind, int port) {
    public boolean enabled() {
        return port > 0;
    }
}
