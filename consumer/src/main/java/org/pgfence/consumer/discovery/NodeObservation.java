package org.pgfence.consumer.discovery;

import java.util.List;
import java.util.Optional;

/**
 * What one probe of one address found. An unreachable node carries only {@code error}.
 * {@code localNodeId} is what {@code repmgr.get_local_node_id()} said, null if unavailable or unknown: repmgr
 * answers -1 (its UNKNOWN_NODE_ID) until a repmgrd has connected since the postmaster started, which is the state
 * of every node restarted while its repmgrd is stopped (a rejoin, a manual follow, maintenance).
 * {@link #self()} then falls back to matching the probed address against the conninfo of the rows.
 * {@code postmasterStart} is {@code pg_postmaster_start_time()} in microseconds (null if unknown): with the system
 * identifier it names one running server, whatever address it was reached at (see {@link #sameServer}).
 */
public record NodeObservation(Address address, String error, boolean inRecovery, int timeline,
                              TimelineSource timelineSource, String systemIdentifier, Integer localNodeId,
                              Long postmasterStart, List<RepmgrNode> view) {

    public NodeObservation {
        view = view == null ? List.of() : List.copyOf(view);
        localNodeId = localNodeId == null || localNodeId <= 0 ? null : localNodeId; // repmgr node ids are > 0
    }

    public static NodeObservation unreachable(Address address, String error) {
        return new NodeObservation(address, error, false, 0, null, null, null, null, List.of());
    }

    /**
     * Whether both observations reached the same running server (a node probed at its seed address and at the
     * address of its conninfo): same system identifier and same postmaster start, to the microsecond.
     */
    public boolean sameServer(NodeObservation other) {
        return reachable() && other.reachable() && postmasterStart != null
                && postmasterStart.equals(other.postmasterStart)
                && systemIdentifier != null && systemIdentifier.equals(other.systemIdentifier);
    }

    public boolean reachable() {
        return error == null;
    }

    /** This node's own row in its own view of repmgr.nodes. */
    public Optional<RepmgrNode> self() {
        if (localNodeId != null) {
            return view.stream().filter(r -> r.nodeId() == localNodeId).findFirst();
        }
        List<RepmgrNode> matching = rowsAtOwnAddress();
        return matching.size() == 1 ? Optional.of(matching.get(0)) : Optional.empty();
    }

    /** Why {@link #self()} is empty, in the operator's terms; null when it is not. */
    public String noSelfReason() {
        if (self().isPresent()) {
            return null;
        }
        if (localNodeId != null) {
            return "repmgr.get_local_node_id() is " + localNodeId + " and no row has that node_id";
        }
        int matching = rowsAtOwnAddress().size();
        return "repmgr.get_local_node_id() gives no id (none until a repmgrd has connected since the node started) and "
                + (matching == 0 ? "no row's conninfo names " + address : matching + " rows' conninfo name " + address);
    }

    private List<RepmgrNode> rowsAtOwnAddress() {
        return view.stream().filter(r -> r.address().filter(address::equals).isPresent()).toList();
    }

    /** Whether the node's own metadata lists it as the active primary (rule 1). */
    public boolean claimsPrimary() {
        return self().map(RepmgrNode::isActivePrimary).orElse(false);
    }
}
