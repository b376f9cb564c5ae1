package org.pgfence.consumer.decision;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.pgfence.consumer.config.RoPolicy;
import org.pgfence.consumer.discovery.RepmgrNode;
import org.pgfence.events.NodeRef;

/** Picks the target of a read-only database by policy; every policy falls back to the primary. */
final class ReadOnlyRouting {
    private final List<Candidate> candidates;
    private final Candidate primary;
    private final int topTimeline;
    private final String localNode;

    ReadOnlyRouting(List<Candidate> candidates, Candidate primary, int topTimeline, String localNode) {
        this.candidates = candidates;
        this.primary = primary;
        this.topTimeline = topTimeline;
        this.localNode = localNode;
    }

    NodeRef target(RoPolicy policy) {
        Optional<Candidate> chosen = switch (policy) {
            case LOCAL -> candidates.stream().filter(c -> c.routable() && c.self().name().equals(localNode))
                    .filter(c -> c == primary || streaming(c)).findFirst();
            case STANDBY -> candidates.stream().filter(this::streaming)
                    .min(Comparator.comparing((Candidate c) -> !sameLocation(c)).thenComparing(c -> c.self().name()));
            case PRIMARY -> Optional.empty();
        };
        return chosen.map(Candidate::ref).orElse(primary == null ? null : primary.ref());
    }

    /**
     * Why the {@code local} policy cannot use this host's own node, or null when it can: no reachable node of the
     * cluster is called {@code localNode} (its node_name changed, or it is down), or it is there but not usable.
     */
    String localMissing() {
        List<Candidate> named = candidates.stream().filter(c -> c.self() != null && c.self().name().equals(localNode))
                .toList();
        if (named.isEmpty()) {
            return "no reachable node is called '" + localNode + "' (down, or its repmgr node_name changed)";
        }
        return named.stream().anyMatch(Candidate::routable) ? null : "node '" + localNode + "' is not usable";
    }

    /** A routable standby receiving WAL on the top timeline, active in the authoritative metadata. */
    private boolean streaming(Candidate c) {
        return c.routable() && c.observation().inRecovery() && c.timeline() == topTimeline
                && c.observation().timelineSource() != null && c.observation().timelineSource().exact()
                && authoritative(c.self().nodeId()).map(RepmgrNode::active).orElse(false);
    }

    private boolean sameLocation(Candidate c) {
        String mine = authoritativeByName(localNode).map(RepmgrNode::location).orElse(null);
        return mine != null && authoritative(c.self().nodeId()).map(RepmgrNode::location)
                .filter(l -> Objects.equals(l, mine)).isPresent();
    }

    /** A row as the verified primary sees it, else as the node itself sees it. */
    private Optional<RepmgrNode> authoritative(int nodeId) {
        List<RepmgrNode> view = primary != null ? primary.observation().view()
                : candidates.stream().filter(c -> c.self() != null && c.self().nodeId() == nodeId)
                        .findFirst().map(c -> c.observation().view()).orElse(List.of());
        return view.stream().filter(r -> r.nodeId() == nodeId).findFirst();
    }

    private Optional<RepmgrNode> authoritativeByName(String name) {
        List<RepmgrNode> view = primary != null ? primary.observation().view()
                : candidates.stream().findFirst().map(c -> c.observation().view()).orElse(List.of());
        return view.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
