package org.pgfence.consumer.discovery;

import java.util.Optional;
import org.pgfence.libpq.Conninfo;

/**
 * One row of {@code repmgr.nodes} as one node sees it. {@code conninfo} is kept raw; only
 * {@link #address()} (host and port parsed out of it) is ever used.
 */
public record RepmgrNode(int nodeId, String name, String type, boolean active, String location,
                         Integer upstreamNodeId, String conninfo) {

    public boolean isActivePrimary() {
        return "primary".equals(type) && active;
    }

    /** Host and port of the conninfo, or empty if it cannot be parsed or names no host. */
    public Optional<Address> address() {
        try {
            Conninfo c = Conninfo.parse(conninfo);
            return c.host() == null ? Optional.empty() : Optional.of(new Address(c.host(), c.port()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
