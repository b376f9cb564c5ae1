package org.pgfence.consumer.decision;

import java.util.ArrayList;
import java.util.List;
import org.pgfence.consumer.discovery.Address;
import org.pgfence.consumer.discovery.NodeObservation;
import org.pgfence.consumer.discovery.RepmgrNode;
import org.pgfence.consumer.discovery.TimelineSource;

/** Builds lab-shaped observations: nodeN at 127.0.0.1N:5432, repmgr conninfo as repmgr writes it. */
final class Nodes {
    static final String SYS = "7300000000000000001";

    private Nodes() {
    }

    static Address addr(int id) {
        return new Address("127.0.0.1" + id, 5432);
    }

    static String conninfo(int id) {
        return "host=127.0.0.1" + id + " port=5432 user=repmgr dbname=repmgr connect_timeout=2";
    }

    static RepmgrNode primaryRow(int id, boolean active) {
        return new RepmgrNode(id, "node" + id, "primary", active, "lab", null, conninfo(id));
    }

    static RepmgrNode standbyRow(int id, int upstream) {
        return new RepmgrNode(id, "node" + id, "standby", true, "lab", upstream, conninfo(id));
    }

    /** node1 primary, node2 and node3 its standbys: the lab before any failover. */
    static List<RepmgrNode> initialView() {
        return List.of(primaryRow(1, true), standbyRow(2, 1), standbyRow(3, 1));
    }

    /** After node1 was killed and node2 promoted, as node2 and node3 see it. */
    static List<RepmgrNode> afterFailoverView() {
        return List.of(primaryRow(1, false), primaryRow(2, true), standbyRow(3, 2));
    }

    static NodeObservation writable(int id, int tli, List<RepmgrNode> view) {
        return new NodeObservation(addr(id), null, false, tli, TimelineSource.WAL_FILE, SYS, id, null, view);
    }

    static NodeObservation standby(int id, int tli, List<RepmgrNode> view) {
        return new NodeObservation(addr(id), null, true, tli, TimelineSource.WAL_RECEIVER, SYS, id, null, view);
    }

    static NodeObservation down(int id) {
        return NodeObservation.unreachable(addr(id), "08001 Connection refused");
    }

    static List<NodeObservation> list(NodeObservation... o) {
        return new ArrayList<>(List.of(o));
    }
}
