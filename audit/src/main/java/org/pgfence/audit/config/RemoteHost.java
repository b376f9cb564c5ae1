package org.pgfence.audit.config;

/**
 * One pgbouncer host the auditor may repair over SSH: where to reach it, the remote pgfence launcher, the remote
 * agent config (the repair runs {@code pgfence apply} with it, which knows the ini and the console) and, when the
 * agent's secrets live in its unit's EnvironmentFile, that file ({@code envFile}, null when none).
 */
public record RemoteHost(String name, String address, String pgfenceCommand, String agentConfig, String envFile) {
}
