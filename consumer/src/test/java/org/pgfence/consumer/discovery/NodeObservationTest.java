package org.pgfence.consumer.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeObservationTest {
    private static final List<RepmgrNode> VIEW = List.of(
            new RepmgrNode(1, "node1", "standby", true, "lab", 3, "host=127.0.0.11 port=5432"),
            new RepmgrNode(3, "node3", "primary", true, "lab", null, "host=127.0.0.13 port=5432 user=repmgr"));

    private static NodeObservation node3(Integer localNodeId) {
        return new NodeObservation(new Address("127.0.0.13", 5432), null, false, 3, TimelineSource.WAL_FILE, "s",
                localNodeId, null, VIEW);
    }

    @Test
    void theLocalNodeIdNamesTheOwnRowWhateverTheAddress() {
        NodeObservation o = new NodeObservation(new Address("db-3.example.org", 5432), null, false, 3,
                TimelineSource.WAL_FILE, "s", 3, null, VIEW);
        assertThat(o.self()).map(RepmgrNode::name).contains("node3");
        assertThat(o.claimsPrimary()).isTrue();
    }

    @Test
    void repmgrsUnknownLocalNodeIdFallsBackToTheConninfoLikeNoneAtAll() {
        // get_local_node_id() answers -1 on a node restarted while its repmgrd was stopped
        for (Integer unknown : new Integer[] {-1, 0, null}) {
            NodeObservation o = node3(unknown);
            assertThat(o.localNodeId()).as("local id %s", unknown).isNull();
            assertThat(o.self()).as("local id %s", unknown).map(RepmgrNode::nodeId).contains(3);
            assertThat(o.claimsPrimary()).as("local id %s", unknown).isTrue();
        }
    }

    @Test
    void aNodeFoundNeitherByIdNorByAddressHasNoSelf() {
        NodeObservation o = new NodeObservation(new Address("127.0.0.14", 5432), null, false, 3,
                TimelineSource.WAL_FILE, "s", -1, null, VIEW);
        assertThat(o.self()).isEmpty();
        assertThat(o.claimsPrimary()).isFalse();
        assertThat(o.noSelfReason()).isEqualTo("repmgr.get_local_node_id() gives no id (none until a repmgrd has"
                + " connected since the node started) and no row's conninfo names 127.0.0.14:5432");
    }

    @Test
    void eachWayOfNotFindingItselfIsNamed() {
        assertThat(node3(3).noSelfReason()).isNull();
        assertThat(new NodeObservation(new Address("127.0.0.13", 5432), null, false, 3, TimelineSource.WAL_FILE, "s",
                7, null, VIEW).noSelfReason()).isEqualTo("repmgr.get_local_node_id() is 7 and no row has that node_id");
        List<RepmgrNode> twice = List.of(VIEW.get(1), new RepmgrNode(4, "node4", "standby", true, "lab", 3,
                "host=127.0.0.13 port=5432"));
        assertThat(new NodeObservation(new Address("127.0.0.13", 5432), null, false, 3, TimelineSource.WAL_FILE, "s",
                null, null, twice).noSelfReason()).endsWith("and 2 rows' conninfo name 127.0.0.13:5432");
    }
}
