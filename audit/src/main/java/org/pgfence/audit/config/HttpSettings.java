package org.pgfence.audit.config;

/** Where the metrics endpoint listens; port 0 picks a free port (tests). */
public record HttpSettings(String bind, int port) {
}
