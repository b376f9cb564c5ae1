package org.pgfence.producer.postgres;

import java.util.List;
import java.util.Optional;
import org.pgfence.events.Epoch;

/** What a switchover candidate says of itself: in recovery or not, the epoch it follows, its repmgr.nodes rows. */
public record LocalStandby(boolean inRecovery, Epoch epoch, List<NodeRow> nodes) {

    public LocalStandby {
        nodes = List.copyOf(nodes);
    }

    /** The active primary per this node's repmgr metadata, if exactly one. */
    public Optional<NodeRow> primary() {
        List<NodeRow> primaries = nodes.stream().filter(NodeRow::isActivePrimary).toList();
        return primaries.size() == 1 ? Optional.of(primaries.get(0)) : Optional.empty();
    }
}
