package org.pgfence.pgbouncer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The addresses a target host stands for, as {@code SHOW SERVERS} prints them: an IP literal is itself (no
 * lookup); a name is resolved (the agent has just probed it, so its resolver answers from cache). A name that
 * does not resolve stands for nothing, so every connection of its entry counts as off target and is cut.
 */
public final class HostAddresses {
    public Set<String> of(String host) {
        try {
            return Arrays.stream(InetAddress.getAllByName(host)).map(InetAddress::getHostAddress)
                    .collect(Collectors.toSet());
        } catch (UnknownHostException e) {
            return Set.of();
        }
    }
}
