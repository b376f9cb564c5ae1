package org.pgfence.audit.config;

import java.util.Map;
import java.util.Optional;

/** SSH settings and the hosts that can be remediated, by host name (the agent's {@code host}). */
public record RemediationSettings(SshSettings ssh, Map<String, RemoteHost> hosts) {

    public RemediationSettings {
        hosts = Map.copyOf(hosts);
    }

    public Optional<RemoteHost> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    public boolean enabled() {
        return ssh.enabled();
    }
}
