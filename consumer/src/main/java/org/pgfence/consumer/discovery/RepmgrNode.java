package org.pgfence.consumer.discovery;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.pgfence.libpq.Conninfo;

/**
 * One row of {@code repmgr.nodes} as one node sees it. {@code conninfo} is kept raw; only
 * {@link #address()} (host and port parsed out of it) is ever used.
 */
public record RepmgrNode(int nodeId, String name, String type, boolean active, String location,
                         Integer upstreamNodeId, String conninfo) {
    /**
     * Parsed addresses by conninfo text: a cluster's few conninfo strings come back in every node's view on every
     * probe, and the decision asks for each several times. Bounded; cleared when full.
     */
    private static final Map<String, Optional<Address>> ADDRESSES = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 1024;

    public boolean isActivePrimary() {
        return "primary".equals(type) && active;
    }

    /**
     * The conninfo as it may be logged, acked and stored: its passwords masked, also when it cannot be parsed (a
     * password in a conninfo with no usable host was logged in clear, and remediation errors carry log text to Kafka
     * and the audit store).
     */
    public String maskedConninfo() {
        if (conninfo == null) {
            return null;
        }
        try {
            return Conninfo.parse(conninfo).toString();
        } catch (RuntimeException e) {
            return conninfo.replaceAll("(?i)((?:ssl)?password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|\\S+)", "$1****")
                    .replaceAll("(?i)(postgres(?:ql)?://[^:/@\\s]*:)[^@\\s]*@", "$1****@");
        }
    }

    /** Host and port of the conninfo, or empty if it cannot be parsed or names no host. */
    public Optional<Address> address() {
        if (conninfo == null) {
            return Optional.empty();
        }
        Optional<Address> known = ADDRESSES.get(conninfo);
        if (known == null) {
            known = parse(conninfo);
            if (ADDRESSES.size() >= MAX_CACHED) {
                ADDRESSES.clear();
            }
            ADDRESSES.put(conninfo, known);
        }
        return known;
    }

    private static Optional<Address> parse(String conninfo) {
        try {
            Conninfo c = Conninfo.parse(conninfo);
            return c.host() == null ? Optional.empty() : Optional.of(new Address(c.host(), c.port()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
