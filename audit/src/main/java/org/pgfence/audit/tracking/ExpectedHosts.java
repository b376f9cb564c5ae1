package org.pgfence.audit.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Which agents must ack a promotion: those registered for its cluster that were alive when it happened.
 *
 * <p>An agent counts when its last heartbeat lies within {@code ttl} of the promotion's occurredAt (either
 * side: a heartbeat processed after the promotion was first seen still counts), or when one run of it
 * spans the promotion (started before it, heard from after it). The set is a snapshot taken when the
 * promotion is first seen, grown by heartbeats that arrive later and qualify; it never shrinks.
 */
public final class ExpectedHosts {
    private final Duration ttl;

    public ExpectedHosts(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("heartbeatTtl must be > 0, was " + ttl);
        }
        this.ttl = ttl;
    }

    public boolean admits(AgentRecord agent, String cluster, Instant occurredAt) {
        if (!agent.clusters().contains(cluster)) {
            return false;
        }
        Duration gap = Duration.between(occurredAt, agent.lastSeen()).abs();
        boolean recent = gap.compareTo(ttl) <= 0;
        boolean spans = !agent.startedAt().isAfter(occurredAt) && !agent.lastSeen().isBefore(occurredAt);
        return recent || spans;
    }

    /** The sorted hosts of {@code agents} that must ack a promotion of {@code cluster} at {@code occurredAt}. */
    public List<String> snapshot(Collection<AgentRecord> agents, String cluster, Instant occurredAt) {
        TreeSet<String> hosts = new TreeSet<>();
        for (AgentRecord a : agents) {
            if (admits(a, cluster, occurredAt)) {
                hosts.add(a.host());
            }
        }
        return List.copyOf(hosts);
    }

    /** {@code promotion}'s hosts plus {@code agent}'s host if it qualifies; the same list if nothing changes. */
    public List<String> grow(Promotion promotion, AgentRecord agent) {
        if (promotion.expectedHosts().contains(agent.host())
                || !admits(agent, promotion.cluster(), promotion.occurredAt())) {
            return promotion.expectedHosts();
        }
        TreeSet<String> hosts = new TreeSet<>(promotion.expectedHosts());
        hosts.add(agent.host());
        return List.copyOf(hosts);
    }
}
