package org.pgfence.audit.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which hosts must ack a promotion (DESIGN rule 10): the configured inventory of its cluster plus every agent
 * registered for it, however long it has been silent. A silent expected host is overdue, never dropped: a host whose
 * agent died an hour before the failover, or whose agent was never installed, still routes to the old primary, and
 * the audit must say so. Only an agent whose run started more than {@code ttl} after the promotion is not expected
 * for it (a host added later answers later promotions), unless the inventory names it. The set is a snapshot taken
 * when the promotion is first seen, grown by registrations that arrive later and qualify, and by inventory hosts
 * (a configuration changed since); it never shrinks.
 */
public final class ExpectedHosts {
    private final Duration ttl;
    private final Map<String, List<String>> inventory;

    /** {@code inventory}: cluster name to the hosts that must ack its promotions, agent registered or not. */
    public ExpectedHosts(Duration ttl, Map<String, List<String>> inventory) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("heartbeatTtl must be > 0, was " + ttl);
        }
        this.ttl = ttl;
        this.inventory = Map.copyOf(inventory);
    }

    public ExpectedHosts(Duration ttl) {
        this(ttl, Map.of());
    }

    public boolean admits(AgentRecord agent, String cluster, Instant occurredAt) {
        return agent.clusters().contains(cluster) && !agent.startedAt().isAfter(occurredAt.plus(ttl));
    }

    /** The configured hosts of {@code cluster} (none when the inventory does not name it). */
    public List<String> inventory(String cluster) {
        return inventory.getOrDefault(cluster, List.of());
    }

    /** The sorted hosts that must ack a promotion of {@code cluster} at {@code occurredAt}: inventory, admitted agents. */
    public List<String> snapshot(Collection<AgentRecord> agents, String cluster, Instant occurredAt) {
        TreeSet<String> hosts = new TreeSet<>(inventory(cluster));
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

    /**
     * {@code promotion}'s hosts plus its cluster's inventory (configured after the promotion was first seen); the same
     * list if nothing changes.
     */
    public List<String> withInventory(Promotion promotion) {
        if (promotion.expectedHosts().containsAll(inventory(promotion.cluster()))) {
            return promotion.expectedHosts();
        }
        TreeSet<String> hosts = new TreeSet<>(promotion.expectedHosts());
        hosts.addAll(inventory(promotion.cluster()));
        return List.copyOf(hosts);
    }
}
