package org.pgfence.audit.tracking;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the auditor has heard from the hosts of one cluster besides their acks: which hosts have an agent registered
 * for it, and the latest routing each host reported (DESIGN rule 10: completion and status are decided on what a host
 * routes now, not on its last ack alone). A host from an agent too old to report routing simply has none.
 */
public record HostReports(String cluster, Set<String> registered, List<RoutingRecord> routing) {

    public HostReports {
        registered = Set.copyOf(registered);
        routing = List.copyOf(routing);
    }

    /** From every registered agent (of any cluster) and every routing record (of any cluster). */
    public static HostReports of(String cluster, Collection<AgentRecord> agents, Collection<RoutingRecord> routing) {
        return new HostReports(cluster,
                agents.stream().filter(a -> a.clusters().contains(cluster)).map(AgentRecord::host)
                        .collect(java.util.stream.Collectors.toSet()),
                routing.stream().filter(r -> r.cluster().equals(cluster)).toList());
    }

    public boolean registered(String host) {
        return registered.contains(host);
    }

    public Optional<RoutingRecord> routingOf(String host) {
        return routing.stream().filter(r -> r.host().equals(host)).findFirst();
    }
}
