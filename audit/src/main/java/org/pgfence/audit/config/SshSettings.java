package org.pgfence.audit.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * SSH remediation settings. Strict host key checking is not a setting: it is always on.
 * Authentication is by private key only.
 */
public record SshSettings(boolean enabled, String user, int port, Path privateKey, Path knownHosts,
                          Duration connectTimeout, Duration commandTimeout, int maxAttempts) {
}
