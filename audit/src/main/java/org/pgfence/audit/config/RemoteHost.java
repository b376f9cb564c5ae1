package org.pgfence.audit.config;

/**
 * One pgbouncer host the auditor may repair over SSH: where to reach it, the remote pgfence launcher,
 * the remote agent config (whose renderer is run), the remote database ini to replace, its admin console.
 */
public record RemoteHost(String name, String address, String pgfenceCommand, String agentConfig,
                         String databaseIni, AdminEndpoint admin) {
}
