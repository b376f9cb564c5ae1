package org.pgfence.audit.config;

/**
 * Where the auditor's /metrics and /health listen; port 0 picks a free port (tests). The default, 9181, sits beside
 * the agent's 9180 and off postgres_exporter's 9187, which a PostgreSQL host running the auditor often has.
 */
public record HttpSettings(String bind, int port) {
    public static final int DEFAULT_PORT = 9181;
}
