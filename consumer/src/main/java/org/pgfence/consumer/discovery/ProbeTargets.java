package org.pgfence.consumer.discovery;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.pgfence.consumer.config.SeedNode;

/**
 * Which addresses a discovery round probes: the configured seeds, and what the repmgr metadata of reachable nodes
 * lists. Never an address only an event names: the probe logs in with the repmgr credentials, and whoever can
 * write the promotions topic could otherwise collect them with a forged event (DESIGN rule 1). An event's new
 * primary is probed once a node the agent already trusts lists it, which repmgr does as it promotes.
 */
public final class ProbeTargets {
    private ProbeTargets() {
    }

    public static Set<Address> first(Collection<SeedNode> seeds, Collection<Address> known) {
        Set<Address> out = new TreeSet<>();
        seeds.forEach(s -> out.add(new Address(s.host(), s.port())));
        out.addAll(known);
        return out;
    }

    /**
     * Addresses named in the conninfo of any reachable node's view that were not probed yet. Hosts that are
     * not plain ({@link Address#plainHost()}) are never probed; the decision reports them by node and field.
     */
    public static Set<Address> listedButNotProbed(Collection<NodeObservation> observations) {
        Set<Address> probed = new TreeSet<>();
        observations.forEach(o -> probed.add(o.address()));
        return listed(observations, probed);
    }

    /** Every address any reachable node's view of repmgr.nodes names. */
    public static Set<Address> listed(Collection<NodeObservation> observations) {
        return listed(observations, Set.of());
    }

    private static Set<Address> listed(Collection<NodeObservation> observations, Set<Address> exclude) {
        Set<Address> out = new TreeSet<>();
        for (NodeObservation o : observations) {
            o.view().forEach(r -> r.address().filter(Address::plainHost).filter(a -> !exclude.contains(a))
                    .ifPresent(out::add));
        }
        return out;
    }
}
