package org.pgfence.audit.tracking;

import java.time.Instant;
import org.pgfence.events.ClusterRouting;

/**
 * The latest routing {@code host} reported for one cluster: its agent's heartbeat of {@code reportedAt} said so.
 * {@link #asOf()} is when the host was in that state: the agent's last trigger, or the heartbeat when unknown.
 */
public record RoutingRecord(String host, ClusterRouting routing, Instant reportedAt) {

    public String cluster() {
        return routing.cluster();
    }

    public Instant asOf() {
        return routing.at() != null ? routing.at() : reportedAt;
    }
}
