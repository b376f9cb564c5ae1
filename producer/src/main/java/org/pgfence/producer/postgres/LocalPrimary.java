package org.pgfence.producer.postgres;

import java.util.List;
import java.util.Optional;
import org.pgfence.events.Epoch;

/** What the local node said once it answered as a primary: its epoch and its repmgr.nodes rows. */
public record LocalPrimary(Epoch epoch, List<NodeRow> nodes) {

    public LocalPrimary {
        nodes = List.copyOf(nodes);
    }

    public Optional<NodeRow> node(int nodeId) {
        return nodes.stream().filter(n -> n.nodeId() == nodeId).findFirst();
    }

    public List<NodeRow> inactivePrimaries() {
        return nodes.stream().filter(NodeRow::isInactivePrimary).toList();
    }
}
