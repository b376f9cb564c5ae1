package org.pgfence.audit.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pgfence.audit.tracking.Fixtures.T0;
import static org.pgfence.audit.tracking.Fixtures.agent;
import static org.pgfence.audit.tracking.Fixtures.promotion;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpectedHostsTest {
    private final ExpectedHosts expected = new ExpectedHosts(Duration.ofSeconds(30));

    @Test
    void everyRegisteredAgentIsExpectedHoweverLongItHasBeenSilent() {
        List<AgentRecord> agents = List.of(
                agent("pgb3", T0.minusSeconds(600), T0.minusSeconds(30), "lab"),
                agent("pgb1", T0.minusSeconds(600), T0.minusSeconds(1), "lab"),
                agent("pgb2", T0.minusSeconds(7200), T0.minusSeconds(3600), "lab"));
        assertThat(expected.snapshot(agents, "lab", T0)).as("pgb2 died an hour before: overdue, never dropped")
                .containsExactly("pgb1", "pgb2", "pgb3");
    }

    @Test
    void agentsOfOtherClustersAreNotExpected() {
        List<AgentRecord> agents = List.of(agent("pgb1", T0.minusSeconds(60), T0, "other"),
                agent("pgb2", T0.minusSeconds(60), T0, "other", "lab"));
        assertThat(expected.snapshot(agents, "lab", T0)).containsExactly("pgb2");
    }

    @Test
    void anAgentStartedShortlyAfterThePromotionCountsOneStartedWellAfterDoesNot() {
        assertThat(expected.admits(agent("pgb1", T0.plusSeconds(5), T0.plusSeconds(3600), "lab"), "lab", T0)).isTrue();
        assertThat(expected.admits(agent("pgb1", T0.minusSeconds(3600), T0.plusSeconds(3600), "lab"), "lab", T0))
                .isTrue();
        assertThat(expected.admits(agent("pgb1", T0.plusSeconds(60), T0.plusSeconds(3600), "lab"), "lab", T0))
                .as("started well after the promotion: a host added later").isFalse();
    }

    @Test
    void growingAddsAQualifyingHostOnceAndNeverShrinks() {
        Promotion p = promotion(1, 2, "pgb2");
        List<String> grown = expected.grow(p, agent("pgb1", T0.minusSeconds(60), T0.plusSeconds(1), "lab"));
        assertThat(grown).containsExactly("pgb1", "pgb2");
        Promotion q = p.withExpectedHosts(grown);
        assertThat(expected.grow(q, agent("pgb1", T0.minusSeconds(60), T0.plusSeconds(2), "lab"))).isSameAs(q.expectedHosts());
        assertThat(expected.grow(q, agent("pgb2", T0.plusSeconds(999), T0.plusSeconds(999), "lab")))
                .as("a stale heartbeat of an expected host does not remove it").containsExactly("pgb1", "pgb2");
        assertThat(expected.grow(q, agent("pgb9", T0.minusSeconds(999), T0.minusSeconds(999), "lab")))
                .as("a registration that arrives late, of an agent long silent, grows the set")
                .containsExactly("pgb1", "pgb2", "pgb9");
        assertThat(expected.grow(q, agent("pgb8", T0.plusSeconds(999), T0.plusSeconds(999), "lab")))
                .as("an agent started long after").isSameAs(q.expectedHosts());
    }

    @Test
    void aNonPositiveTtlIsRejected() {
        assertThatThrownBy(() -> new ExpectedHosts(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeatTtl");
    }

    @Test
    void inventoryHostsAreExpectedWhetherOrNotAnAgentEverRegistered() {
        ExpectedHosts withInventory = new ExpectedHosts(Duration.ofSeconds(30),
                Map.of("lab", List.of("pgb4", "pgb1"), "other", List.of("pgb7")));
        List<AgentRecord> agents = List.of(agent("pgb1", T0.minusSeconds(600), T0, "lab"),
                agent("pgb2", T0.minusSeconds(600), T0, "lab"),
                agent("pgb5", T0.plusSeconds(600), T0.plusSeconds(600), "lab"));
        assertThat(withInventory.snapshot(agents, "lab", T0))
                .as("the inventory and the registered agents; pgb5 started long after, and is not in the inventory")
                .containsExactly("pgb1", "pgb2", "pgb4");
        assertThat(withInventory.snapshot(List.of(), "lab", T0)).as("no agent registered at all")
                .containsExactly("pgb1", "pgb4");
        assertThat(withInventory.snapshot(List.of(), "third", T0)).isEmpty();
        assertThat(withInventory.inventory("other")).containsExactly("pgb7");
    }

    @Test
    void anInventoryConfiguredLaterGrowsAPromotionsHostsAndNeverShrinksThem() {
        ExpectedHosts withInventory = new ExpectedHosts(Duration.ofSeconds(30), Map.of("lab", List.of("pgb4")));
        Promotion p = promotion(1, 2, "pgb1", "pgb2");
        assertThat(withInventory.withInventory(p)).containsExactly("pgb1", "pgb2", "pgb4");
        Promotion q = p.withExpectedHosts(withInventory.withInventory(p));
        assertThat(withInventory.withInventory(q)).isSameAs(q.expectedHosts());
        assertThat(expected.withInventory(p)).as("no inventory").isSameAs(p.expectedHosts());
    }
}
