package org.pgfence.consumer.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgfence.consumer.config.SeedNode;

class CandidatesTest {

    private static NodeObservation seeing(RepmgrNode... rows) {
        return new NodeObservation(new Address("127.0.0.12", 5432), null, false, 2, TimelineSource.WAL_FILE,
                "7300000000000000001", 2, null, List.of(rows));
    }

    @Test
    void hostsCarryingUrlOrIniSyntaxFromMetadataAreNeverProbed() {
        NodeObservation o = seeing(
                new RepmgrNode(1, "node1", "primary", false, "lab", null, "host='127.0.0.11\n%include /x' port=5432"),
                new RepmgrNode(3, "node3", "standby", true, "lab", 2, "host=h/repmgr?socketFactory=evil port=5432"),
                new RepmgrNode(4, "node4", "standby", true, "lab", 2, "host=127.0.0.14 port=5433"));
        assertThat(ProbeTargets.listedButNotProbed(List.of(o))).containsExactly(new Address("127.0.0.14", 5433));
    }


    @Test
    void repmgrRowWithoutAParsableConninfoOrHostHasNoAddress() {
        assertThat(new RepmgrNode(1, "n", "standby", true, "l", null, "garbage").address()).isEmpty();
        assertThat(new RepmgrNode(1, "n", "standby", true, "l", null, "dbname=x").address()).isEmpty();
        assertThat(new RepmgrNode(1, "n", "standby", true, "l", null, "host=a,b port=6000").address())
                .contains(new Address("a", 6000));
    }

    @Test
    void candidatesAreSeedsAndKnownNodesWithoutDuplicates() {
        Set<Address> first = ProbeTargets.first(List.of(new SeedNode("127.0.0.11", 5432)),
                List.of(new Address("127.0.0.11", 5432), new Address("127.0.0.12", 5432)));
        assertThat(first).containsExactly(new Address("127.0.0.11", 5432), new Address("127.0.0.12", 5432));
    }

    @Test
    void nodesListedInMetadataButNotProbedAreProbedNext() {
        NodeObservation o = new NodeObservation(new Address("127.0.0.11", 5432), null, false, 1,
                TimelineSource.WAL_FILE, "s", 1, null, List.of(
                        new RepmgrNode(1, "node1", "primary", true, "lab", null, "host=127.0.0.11 port=5432"),
                        new RepmgrNode(2, "node2", "standby", true, "lab", 1, "host=127.0.0.12 port=5432")));
        assertThat(ProbeTargets.listedButNotProbed(List.of(o))).containsExactly(new Address("127.0.0.12", 5432));
        assertThat(ProbeTargets.listed(List.of(o))).hasSize(2);
    }
}
