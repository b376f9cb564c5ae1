package org.pgfence.audit.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Which agents must ack a promotion: every agent registered for its cluster, however long it has been silent
 * (DESIGN rule 10: a silent expected host is overdue, never dropped; a host whose agent died an hour before the
 * failover still routes to the old primary, and the audit must say so). Only an agent whose run started more
 * than {@code ttl} after the promotion is not expected for it (a host added later answers later promotions). The
 * set is a snapshot taken when the promotion is first seen, grown by registrations that arrive later and
 * qualify; it never shrinks.
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
        return agent.clusters().contains(cluster) && !agent.startedAt().isAfter(occurredAt.plus(ttl));
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
