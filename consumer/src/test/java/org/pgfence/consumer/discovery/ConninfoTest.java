package org.pgfence.consumer.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgfence.consumer.config.SeedNode;
import org.pgfence.events.NodeRef;

class ConninfoTest {

    @Test
    void repmgrConninfoYieldsHostAndPortAndKeepsTheRestAside() {
        Conninfo c = Conninfo.parse("host=127.0.0.12 port=5432 user=repmgr dbname=repmgr connect_timeout=2");
        assertThat(c.host()).isEqualTo("127.0.0.12");
        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.params()).containsEntry("connect_timeout", "2").containsEntry("dbname", "repmgr");
    }

    @Test
    void portDefaultsTo5432() {
        assertThat(Conninfo.parse("host=db1 dbname=repmgr").port()).isEqualTo(5432);
    }

    @Test
    void quotedValuesWithEscapesAndSpacesAroundEquals() {
        Conninfo c = Conninfo.parse("host = 'db one' password='it\\'s' port= '6543' application_name=a\\ b");
        assertThat(c.host()).isEqualTo("db one");
        assertThat(c.params()).containsEntry("password", "it's").containsEntry("application_name", "a b");
        assertThat(c.port()).isEqualTo(6543);
    }

    @Test
    void firstOfSeveralHostsAndPorts() {
        Conninfo c = Conninfo.parse("host=a,b port=5433,5434");
        assertThat(c.host()).isEqualTo("a");
        assertThat(c.port()).isEqualTo(5433);
    }

    @Test
    void hostaddrIsUsedWhenHostIsAbsent() {
        assertThat(Conninfo.parse("hostaddr=10.0.0.1 port=5432").host()).isEqualTo("10.0.0.1");
    }

    @Test
    void uriForm() {
        Conninfo c = Conninfo.parse("postgresql://repmgr:secret@db2.example:5433/repmgr?connect_timeout=2");
        assertThat(c.host()).isEqualTo("db2.example");
        assertThat(c.port()).isEqualTo(5433);
        assertThat(c.params()).containsEntry("user", "repmgr").containsEntry("dbname", "repmgr")
                .containsEntry("connect_timeout", "2");
        assertThat(c.toString()).doesNotContain("secret");
    }

    @Test
    void uriWithIpv6AndNoPort() {
        Conninfo c = Conninfo.parse("postgres://[::1]/db");
        assertThat(c.host()).isEqualTo("::1");
        assertThat(c.port()).isEqualTo(5432);
    }

    @Test
    void malformedConninfoIsRefusedWithAReason() {
        assertThatThrownBy(() -> Conninfo.parse("host")).hasMessageContaining("missing '='");
        assertThatThrownBy(() -> Conninfo.parse("host='open")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> Conninfo.parse("  ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Conninfo.parse("host=a port=http").port()).hasMessageContaining("not a TCP port");
    }

    @Test
    void aNewlineInsideTheConninfoStaysInsideTheHostValueAndIsCaughtLater() {
        Conninfo c = Conninfo.parse("host='127.0.0.12\n%include /etc/x' port=5432");
        assertThat(c.host()).contains("\n");
    }

    @Test
    void repmgrRowWithoutAParsableConninfoHasNoAddress() {
        assertThat(new RepmgrNode(1, "n", "standby", true, "l", null, "garbage").address()).isEmpty();
        assertThat(new RepmgrNode(1, "n", "standby", true, "l", null, "dbname=x").address()).isEmpty();
    }

    @Test
    void candidatesAreSeedsKnownNodesAndTheEventsPrimaryWithoutDuplicates() {
        Set<Address> first = Candidates.first(List.of(new SeedNode("127.0.0.11", 5432)),
                List.of(new Address("127.0.0.11", 5432), new Address("127.0.0.12", 5432)),
                new NodeRef(3, "node3", "127.0.0.13", 5432));
        assertThat(first).containsExactly(new Address("127.0.0.11", 5432), new Address("127.0.0.12", 5432),
                new Address("127.0.0.13", 5432));
    }

    @Test
    void nodesListedInMetadataButNotProbedAreProbedNext() {
        NodeObservation o = new NodeObservation(new Address("127.0.0.11", 5432), null, false, 1,
                TimelineSource.WAL_FILE, "s", 1, List.of(
                        new RepmgrNode(1, "node1", "primary", true, "lab", null, "host=127.0.0.11 port=5432"),
                        new RepmgrNode(2, "node2", "standby", true, "lab", 1, "host=127.0.0.12 port=5432")));
        assertThat(Candidates.listedButNotProbed(List.of(o))).containsExactly(new Address("127.0.0.12", 5432));
        assertThat(Candidates.listed(List.of(o))).hasSize(2);
    }
}
