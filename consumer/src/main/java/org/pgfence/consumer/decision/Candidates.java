package org.pgfence.consumer.decision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pgfence.consumer.discovery.Address;
import org.pgfence.consumer.discovery.NodeObservation;
import org.pgfence.consumer.discovery.RepmgrNode;
import org.pgfence.events.Epoch;
import org.pgfence.events.NodeRef;
import org.pgfence.pgbouncer.ini.IniValues;

/** Turns raw observations into {@link Candidate}s: same system only, deduplicated, values checked. */
final class Candidates {
    private Candidates() {
    }

    /**
     * The system identifier the cluster is: the epoch floor's if any, else the one most reachable
     * nodes report (ties: the announced one if among them, else the smallest). Null if none reachable.
     */
    static String referenceSystem(List<NodeObservation> observations, Epoch floor, Epoch announced) {
        if (floor != null) {
            return floor.systemIdentifier();
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        observations.stream().filter(NodeObservation::reachable).filter(o -> o.systemIdentifier() != null)
                .forEach(o -> counts.merge(o.systemIdentifier(), 1L, Long::sum));
        long max = counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
        List<String> top = counts.entrySet().stream().filter(e -> e.getValue() == max).map(Map.Entry::getKey)
                .sorted().toList();
        if (top.isEmpty()) {
            return null;
        }
        return announced != null && top.contains(announced.systemIdentifier()) ? announced.systemIdentifier()
                : top.get(0);
    }

    static List<Candidate> of(List<NodeObservation> observations, String system, List<String> warnings) {
        Map<Object, Candidate> byNode = new LinkedHashMap<>();
        List<NodeObservation> sorted = observations.stream()
                .sorted(Comparator.comparing(NodeObservation::address)).toList();
        List<NodeObservation> ofSystem = sorted.stream().filter(NodeObservation::reachable)
                .filter(o -> system.equals(o.systemIdentifier())).toList();
        for (NodeObservation o : sorted) {
            if (!o.reachable()) {
                continue;
            }
            if (!system.equals(o.systemIdentifier())) {
                warnings.add("ignoring " + o.address() + ": system identifier " + o.systemIdentifier()
                        + " is not the cluster's " + system);
                continue;
            }
            Candidate c = candidate(o);
            Object key = key(c, ofSystem);
            Candidate previous = byNode.get(key);
            if (previous == null || (!atOwnAddress(previous) && atOwnAddress(c))) {
                byNode.put(key, c);
            }
        }
        List<Candidate> out = new ArrayList<>(byNode.values());
        out.stream().filter(c -> c.unusable() != null).forEach(c -> warnings.add("not routing to "
                + c.observation().address() + ": " + c.unusable()));
        refusedConninfos(sorted, system).forEach(warnings::add);
        return out;
    }

    /**
     * One warning per repmgr.nodes row (as any reachable node of the system sees it) whose conninfo cannot
     * be parsed or names a host that is not plain: such an address is never probed nor routed to.
     */
    static Set<String> refusedConninfos(List<NodeObservation> observations, String system) {
        Set<String> out = new LinkedHashSet<>();
        for (NodeObservation o : observations) {
            if (!o.reachable() || !system.equals(o.systemIdentifier())) {
                continue;
            }
            for (RepmgrNode r : o.view()) {
                Optional<Address> a = r.address();
                if (a.isEmpty()) {
                    out.add("not probing " + subject(r) + ": '" + IniValues.printable(r.maskedConninfo())
                            + "' names no usable host");
                } else if (!a.get().plainHost()) {
                    out.add("not probing " + subject(r) + ": host '" + IniValues.printable(a.get().host())
                            + "' is not a plain host name or address");
                }
            }
        }
        return out;
    }

    /**
     * One sentence per repmgr node id that two different running servers of the system claim as themselves (each
     * its own postmaster, by start time): a clone started elsewhere, or a copied data directory. Which of them is
     * the node cannot be told, so the decision fails closed (DESIGN rule 4). The same server reached at two
     * addresses is one claimant.
     */
    static List<String> impostors(List<NodeObservation> observations, String system) {
        Map<Integer, List<NodeObservation>> servers = new java.util.TreeMap<>();
        observations.stream().filter(NodeObservation::reachable).filter(o -> system.equals(o.systemIdentifier()))
                .sorted(Comparator.comparing(NodeObservation::address)).forEach(o -> o.self().ifPresent(self -> {
                    List<NodeObservation> seen = servers.computeIfAbsent(self.nodeId(), id -> new ArrayList<>());
                    if (seen.stream().noneMatch(s -> s.sameServer(o) || unknownStart(s, o))) {
                        seen.add(o);
                    }
                }));
        List<String> out = new ArrayList<>();
        servers.forEach((id, claimants) -> {
            if (claimants.size() > 1) {
                out.add("node " + id + " is claimed by " + claimants.size() + " running servers ("
                        + claimants.stream().map(c -> c.address() + " started " + c.postmasterStart())
                        .collect(java.util.stream.Collectors.joining(", ")) + ")");
            }
        });
        return out;
    }

    /** Without both start times the two cannot be told apart: counted as one server, as before they were known. */
    private static boolean unknownStart(NodeObservation a, NodeObservation b) {
        return a.postmasterStart() == null || b.postmasterStart() == null;
    }

    private static String subject(RepmgrNode r) {
        return "node " + r.nodeId() + " (" + IniValues.printable(r.name()) + ") field conninfo";
    }

    /**
     * The node a candidate stands for: its node id; for one that cannot find itself (no local node id and no row at
     * the address it was reached at, e.g. a seed name for a conninfo IP), the node id of the same server reached at
     * another address, else the first address that server was reached at. So one server is one candidate, never
     * "two writers", and two servers stay two.
     */
    private static Object key(Candidate c, List<NodeObservation> ofSystem) {
        if (c.self() != null) {
            return c.self().nodeId();
        }
        NodeObservation o = c.observation();
        List<NodeObservation> same = ofSystem.stream().filter(o::sameServer).toList();
        return same.stream().map(NodeObservation::self).flatMap(Optional::stream).findFirst()
                .<Object>map(RepmgrNode::nodeId).orElse(same.isEmpty() ? o.address() : same.get(0).address());
    }

    private static boolean atOwnAddress(Candidate c) {
        return c.self() != null && c.self().address().filter(c.observation().address()::equals).isPresent();
    }

    private static Candidate candidate(NodeObservation o) {
        Optional<RepmgrNode> self = o.self();
        if (self.isEmpty()) {
            return new Candidate(o, null, null, "cannot find itself in its own repmgr.nodes: " + o.noSelfReason());
        }
        RepmgrNode s = self.get();
        String subject = "node " + s.nodeId() + " (" + IniValues.printable(s.name()) + ")";
        Optional<String> nameProblem = IniValues.problem(s.name());
        if (nameProblem.isPresent()) {
            return new Candidate(o, s, null, subject + " field node_name '" + IniValues.printable(s.name()) + "' "
                    + nameProblem.get());
        }
        Optional<String> hostProblem = IniValues.problem(o.address().host());
        if (hostProblem.isPresent()) {
            return new Candidate(o, s, null, subject + " field host '" + IniValues.printable(o.address().host())
                    + "' " + hostProblem.get());
        }
        if (s.nodeId() <= 0) {
            return new Candidate(o, s, null, subject + " field node_id must be > 0");
        }
        return new Candidate(o, s, new NodeRef(s.nodeId(), s.name(), o.address().host(), o.address().port()), null);
    }
}
