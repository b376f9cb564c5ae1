package org.pgfence.consumer.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgfence.events.NodeRef;

class CandidatesTest {

    private static NodeObservation seeing(RepmgrNode... rows) {
        return new NodeObservation(new Address("127.0.0.12", 5432), null, false, 2, TimelineSource.WAL_FILE,
                "7300000000000000001", 2, List.of(rows));
    }

    @Test
    void hostsCarryingUrlOrIniSyntaxFromMetadataAreNeverProbed() {
        NodeObservation o = seeing(
                new RepmgrNode(1, "node1", "primary", false, "lab", null, "host='127.0.0.11\n%include /x' port=5432"),
                new RepmgrNode(3, "node3", "standby", true, "lab", 2, "host=h/repmgr?socketFactory=evil port=5432"),
                new RepmgrNode(4, "node4", "standby", true, "lab", 2, "host=127.0.0.14 port=5433"));
        assertThat(Candidates.listedButNotProbed(List.of(o))).containsExactly(new Address("127.0.0.14", 5433));
    }

    @Test
    void anEventsNewPrimaryWithANonPlainHostIsNotProbed() {
        Set<Address> first = Candidates.first(List.of(), List.of(),
                new NodeRef(2, "node2", "127.0.0.12/repmgr?sslfactory=x", 5432));
        assertThat(first).isEmpty();
        assertThat(Candidates.first(List.of(), List.of(), new NodeRef(2, "node2", "db-2.example.org", 5432)))
                .containsExactly(new Address("db-2.example.org", 5432));
    }
}
