package org.pgfence.consumer.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pgfence.consumer.decision.Nodes.SYS;
import static org.pgfence.consumer.decision.Nodes.addr;
import static org.pgfence.consumer.decision.Nodes.afterFailoverView;
import static org.pgfence.consumer.decision.Nodes.down;
import static org.pgfence.consumer.decision.Nodes.initialView;
import static org.pgfence.consumer.decision.Nodes.list;
import static org.pgfence.consumer.decision.Nodes.standby;
import static org.pgfence.consumer.decision.Nodes.writable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.pgfence.consumer.config.DatabaseConfig;
import org.pgfence.consumer.config.RoPolicy;
import org.pgfence.consumer.discovery.Address;
import org.pgfence.consumer.discovery.NodeObservation;
import org.pgfence.consumer.discovery.RepmgrNode;
import org.pgfence.consumer.discovery.TimelineSource;
import org.pgfence.events.Epoch;
import org.pgfence.pgbouncer.ini.Role;

class DeciderTest {
    static final DatabaseConfig RW = new DatabaseConfig("appdb-rw", "main", Role.RW, "appdb", RoPolicy.LOCAL,
            new TreeMap<>());
    static final DatabaseConfig RO = new DatabaseConfig("appdb-ro", "main", Role.RO, "appdb", RoPolicy.LOCAL,
            new TreeMap<>());

    private final Decider decider = new Decider();

    private ClusterPlan decide(List<NodeObservation> nodes, Epoch floor, Epoch announced, String local,
                               DatabaseConfig... dbs) {
        List<DatabaseConfig> list = dbs.length == 0 ? List.of(RW, RO) : List.of(dbs);
        return decider.decide(new DecisionInput("main", nodes, floor, null, announced, list, local));
    }

    @Test
    void aFloorAboveTheOnlyReachablePrimaryKeepsRwClosedOnAReconcileWithoutAnyEvent() {
        // the partition: the old primary alive and reachable, the promoted node2 (tli 2) out of sight; the event
        // that announced tli 2 is gone, only the floor it raised remains
        ClusterPlan plan = decide(list(writable(1, 1, initialView()), down(2), down(3)), new Epoch(2, SYS), null,
                "node1");
        assertThat(plan.rw().verdict()).isEqualTo(RwOutcome.FENCED_CLOSED);
        assertThat(plan.rw().reason()).contains("below the epoch floor tli 2@" + SYS);
        assertThat(target(plan, "appdb-rw")).isEqualTo("closed");
        assertThat(target(plan, "appdb-ro")).as("never read from a writable node below the floor").isEqualTo("closed");
    }

    @Test
    void anUnknownFloorKeepsRwClosedEvenOnAHealthyCluster() {
        ClusterPlan plan = decider.decide(new DecisionInput("main", list(writable(1, 1, initialView()),
                standby(2, 1, initialView())), null, "state file lost", null, List.of(RW, RO), "node2"));
        assertThat(plan.rw().verdict()).isEqualTo(RwOutcome.FENCED_CLOSED);
        assertThat(plan.rw().reason()).contains("epoch floor of cluster main is unknown (state file lost)");
        assertThat(target(plan, "appdb-rw")).isEqualTo("closed");
    }

    private static String target(ClusterPlan plan, String db) {
        return plan.entries().stream().filter(e -> e.database().name().equals(db)).findFirst()
                .map(e -> e.target() == null ? "closed" : e.target().name()).orElseThrow();
    }

    @Test
    void healthyClusterRoutesRwToThePrimaryAndRoToTheLocalStandby() {
        ClusterPlan plan = decide(list(writable(1, 1, initialView()), standby(2, 1, initialView()),
                standby(3, 1, initialView())), null, null, "node2");
        assertThat(plan.rw().verdict()).isEqualTo(RwOutcome.ROUTED);
        assertThat(plan.rw().primary().name()).isEqualTo("node1");
        assertThat(plan.rw().primary().host()).isEqualTo("127.0.0.11");
        assertThat(plan.rw().epoch()).isEqualTo(new Epoch(1, SYS));
        assertThat(target(plan, "appdb-rw")).isEqualTo("node1");
        assertThat(target(plan, "appdb-ro")).isEqualTo("node2");
        assertThat(plan.warnings()).isEmpty();
    }

    @Test
    void afterFailoverRwMovesToThePromotedNodeOnTheNewTimeline() {
        ClusterPlan plan = decide(list(down(1), writable(2, 2, afterFailoverView()), standby(3, 2, afterFailoverView())),
                new Epoch(1, SYS), new Epoch(2, SYS), "node3");
        assertThat(plan.rw().routed()).isTrue();
        assertThat(plan.rw().primary().name()).isEqualTo("node2");
        assertThat(plan.rw().epoch().timeline()).isEqualTo(2);
        assertThat(target(plan, "appdb-ro")).isEqualTo("node3");
    }

    @Test
    void returningOldPrimaryOnALowerTimelineIsNeverRouted() {
        NodeObservation stale = writable(1, 1, initialView());
        assertThat(stale.claimsPrimary()).as("its own stale metadata claims primary").isTrue();
        ClusterPlan plan = decide(list(stale, writable(2, 2, afterFailoverView()), standby(3, 2, afterFailoverView())),
                new Epoch(2, SYS), null, "node1");
        assertThat(plan.rw().primary().name()).isEqualTo("node2");
        assertThat(target(plan, "appdb-ro")).as("local node1 is a stale primary: fall back to the primary")
                .isEqualTo("node2");
        assertThat(plan.warnings()).as("the agent reports the returning old primary").singleElement().asString()
                .startsWith(Decider.STALE_WRITER).contains("node1").contains("timeline 1").contains("top timeline 2");
        assertThat(plan.staleWriters()).isEqualTo(1);
    }

    @Test
    void twoWritableNodesOnTheTopTimelineFailClosed() {
        ClusterPlan plan = decide(list(writable(2, 2, afterFailoverView()), writable(3, 2,
                List.of(Nodes.primaryRow(1, false), Nodes.standbyRow(2, 3), Nodes.primaryRow(3, true)))), null, null,
                "node2");
        assertThat(plan.rw().verdict()).isEqualTo(RwOutcome.FENCED_CLOSED);
        assertThat(plan.rw().reason()).contains("2 writable nodes on top timeline 2").contains("node2").contains("node3");
        assertThat(target(plan, "appdb-rw")).isEqualTo("closed");
    }

    @Test
    void noWritableNodeFailsClosedButReadOnlyMayStayOnAStreamingStandby() {
        ClusterPlan plan = decide(list(down(1), standby(2, 1, initialView()), standby(3, 1, initialView())),
                new Epoch(1, SYS), null, "node2");
        assertThat(plan.fencedClosed()).isTrue();
        assertThat(plan.rw().reason()).startsWith("no writable node on top timeline 1");
        assertThat(target(plan, "appdb-rw")).isEqualTo("closed");
        assertThat(target(plan, "appdb-ro")).isEqualTo("node2");
    }

    @Test
    void writableNodeWhoseOwnMetadataDoesNotListItAsActivePrimaryFailsClosed() {
        ClusterPlan plan = decide(list(down(1), writable(2, 2, initialView()), standby(3, 2, initialView())),
                new Epoch(1, SYS), null, "node3");
        assertThat(plan.fencedClosed()).isTrue();
        assertThat(plan.rw().reason()).contains("node2").contains("not an active primary in its own repmgr.nodes");
    }

    @Test
    void eventAnnouncingAHigherEpochThanAnyReachableNodeFailsClosed() {
        ClusterPlan plan = decide(list(writable(2, 2, afterFailoverView()), standby(3, 2, afterFailoverView())),
                new Epoch(2, SYS), new Epoch(3, SYS), "node3");
        assertThat(plan.fencedClosed()).isTrue();
        assertThat(plan.rw().reason()).contains("event announces tli 3").contains("tli 2");
    }

    @Test
    void persistedEpochAboveEveryReachableNodeFailsClosedNeverGoingBack() {
        ClusterPlan plan = decide(list(writable(1, 1, initialView()), standby(2, 1, initialView())),
                new Epoch(2, SYS), null, "node2");
        assertThat(plan.fencedClosed()).isTrue();
        assertThat(plan.rw().reason()).contains("below the epoch floor tli 2");
        assertThat(target(plan, "appdb-rw")).isEqualTo("closed");
    }

    @Test
    void standbyAheadOfTheOnlyReachableWriterMeansTheRealPrimaryIsUnreachable() {
        ClusterPlan plan = decide(list(writable(1, 1, initialView()), down(2), standby(3, 2, afterFailoverView())),
                null, null, "node3");
        assertThat(plan.fencedClosed()).isTrue();
        assertThat(plan.rw().epoch().timeline()).isEqualTo(2);
    }

    @Test
    void nodeOfAnotherSystemIsIgnoredWithAWarning() {
        NodeObservation foreign = new NodeObservation(new Address("10.9.9.9", 5432), null, false, 9,
                TimelineSource.WAL_FILE, "6999999999999999999", 1, null, initialView());
        ClusterPlan plan = decide(list(foreign, writable(2, 2, afterFailoverView()), standby(3, 2, afterFailoverView())),
                null, null, "node3");
        assertThat(plan.rw().primary().name()).isEqualTo("node2");
        assertThat(plan.rw().epoch()).isEqualTo(new Epoch(2, SYS));
        assertThat(plan.warnings()).singleElement().asString().contains("10.9.9.9").contains("6999999999999999999");
    }

    @Test
    void appliedEpochFixesTheSystemEvenWhenForeignNodesAreTheMajority() {
        NodeObservation f1 = new NodeObservation(new Address("10.9.9.1", 5432), null, false, 5,
                TimelineSource.WAL_FILE, "other", 1, null, initialView());
        NodeObservation f2 = new NodeObservation(new Address("10.9.9.2", 5432), null, true, 5,
                TimelineSource.WAL_RECEIVER, "other", 2, null, initialView());
        ClusterPlan plan = decide(list(f1, f2, writable(2, 2, afterFailoverView())), new Epoch(2, SYS), null, "node2");
        assertThat(plan.rw().primary().name()).isEqualTo("node2");
        assertThat(plan.warnings()).hasSize(2);
    }

    @Test
    void nothingReachableFailsClosedWithoutAnEpoch() {
        ClusterPlan plan = decide(list(down(1), down(2), down(3)), new Epoch(1, SYS), null, "node1");
        assertThat(plan.fencedClosed()).isTrue();
        assertThat(plan.rw().epoch()).isNull();
        assertThat(plan.rw().reason()).contains("no node of cluster main is reachable")
                .contains(down(1).address() + ": 08001 Connection refused; " + down(2).address() + ": ");
        assertThat(target(plan, "appdb-ro")).isEqualTo("closed");
    }

    @Test
    void primaryWithAnInjectingNodeNameIsNotRoutedAndTheWarningNamesNodeAndField() {
        List<RepmgrNode> view = List.of(Nodes.primaryRow(1, false),
                new RepmgrNode(2, "node2\n%include /etc/evil", "primary", true, "lab", null, Nodes.conninfo(2)),
                Nodes.standbyRow(3, 2));
        ClusterPlan plan = decide(list(writable(2, 2, view), standby(3, 2, view)), null, null, "node3");
        assertThat(plan.fencedClosed()).isTrue();
        assertThat(plan.rw().reason()).contains("primary unusable").contains("node 2").contains("node_name");
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("node_name").contains("a newline"));
        assertThat(String.join("", plan.warnings()) + plan.rw().reason()).doesNotContain("\n");
    }

    @Test
    void aRowWhoseConninfoHostCarriesIniOrUrlSyntaxIsReportedByNodeAndFieldAndChangesNoRoute() {
        List<RepmgrNode> view = List.of(
                new RepmgrNode(1, "node1", "primary", false, "lab", null,
                        "host='127.0.0.11\n%include /etc/passwd' port=5432 user=repmgr"),
                Nodes.primaryRow(2, true),
                new RepmgrNode(3, "node3", "standby", true, "lab", 2,
                        "host=x/repmgr?socketFactory=evil port=5432"));
        ClusterPlan plan = decide(list(writable(2, 2, view)), null, null, "node3");
        assertThat(plan.rw().primary().name()).isEqualTo("node2");
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("node 1 (node1) field conninfo")
                .contains("127.0.0.11?%include"));
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("node 3 (node3) field conninfo")
                .contains("socketFactory"));
        assertThat(String.join("", plan.warnings())).doesNotContain("\n");
    }

    @Test
    void standbyReachedAtAnUnsafeHostFallsBackToThePrimaryForReads() {
        NodeObservation weird = new NodeObservation(new Address("127.0.0.13;x", 5432), null, true, 2,
                TimelineSource.WAL_RECEIVER, SYS, 3, null, afterFailoverView());
        ClusterPlan plan = decide(list(writable(2, 2, afterFailoverView()), weird), null, null, "node3");
        assertThat(target(plan, "appdb-ro")).isEqualTo("node2");
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("field host").contains("';'"));
    }

    @Test
    void theSameNodeReachedAtTwoAddressesIsOneNodeNotTwoWriters() {
        NodeObservation viaSeed = new NodeObservation(new Address("pg2.example", 5432), null, false, 2,
                TimelineSource.WAL_FILE, SYS, 2, null, afterFailoverView());
        ClusterPlan plan = decide(list(viaSeed, writable(2, 2, afterFailoverView())), null, null, "node2");
        assertThat(plan.rw().routed()).isTrue();
        assertThat(plan.rw().primary().host()).as("the address its own conninfo names wins").isEqualTo("127.0.0.12");
    }

    @Test
    void nodeThatCannotFindItselfInItsMetadataStillCountsAsAWriter() {
        NodeObservation anonymous = new NodeObservation(new Address("10.0.0.5", 5432), null, false, 2,
                TimelineSource.WAL_FILE, SYS, null, null, afterFailoverView());
        ClusterPlan plan = decide(list(anonymous, writable(2, 2, afterFailoverView())), null, null, "node2");
        assertThat(plan.fencedClosed()).isTrue();
        assertThat(plan.rw().reason()).contains("2 writable nodes");
    }

    @Test
    void selfIsFoundByAddressWhenRepmgrCannotSayTheLocalNodeId() {
        NodeObservation o = new NodeObservation(addr(2), null, false, 2, TimelineSource.WAL_FILE, SYS, null,
                null, afterFailoverView());
        ClusterPlan plan = decide(list(o), null, null, "node2");
        assertThat(plan.rw().primary().nodeId()).isEqualTo(2);
    }

    @Test
    void localStandbyStillOnTheOldTimelineFallsBackToThePrimary() {
        ClusterPlan plan = decide(list(writable(2, 2, afterFailoverView()), standby(3, 1, afterFailoverView())),
                null, null, "node3");
        assertThat(target(plan, "appdb-ro")).isEqualTo("node2");
    }

    @Test
    void standbyWhoseTimelineComesFromTheCheckpointIsNotCalledStreaming() {
        NodeObservation lagging = new NodeObservation(addr(3), null, true, 2, TimelineSource.CHECKPOINT, SYS, 3,
                null, afterFailoverView());
        ClusterPlan plan = decide(list(writable(2, 2, afterFailoverView()), lagging), null, null, "node3");
        assertThat(target(plan, "appdb-ro")).isEqualTo("node2");
    }

    @Test
    void standbyPolicyPrefersAStandbyInTheLocalLocation() {
        List<RepmgrNode> view = List.of(Nodes.primaryRow(1, true),
                new RepmgrNode(2, "node2", "standby", true, "dc-a", 1, Nodes.conninfo(2)),
                new RepmgrNode(3, "node3", "standby", true, "dc-b", 1, Nodes.conninfo(3)),
                new RepmgrNode(4, "pgb-b", "witness", true, "dc-b", null, "host=10.0.0.4"));
        DatabaseConfig ro = new DatabaseConfig("appdb-ro", "main", Role.RO, "appdb", RoPolicy.STANDBY, new TreeMap<>());
        ClusterPlan plan = decide(list(writable(1, 1, view), standby(2, 1, view), standby(3, 1, view)), null, null,
                "pgb-b", ro);
        assertThat(target(plan, "appdb-ro")).isEqualTo("node3");
        ClusterPlan elsewhere = decide(list(writable(1, 1, view), standby(2, 1, view), standby(3, 1, view)), null,
                null, "unknown-host", ro);
        assertThat(target(elsewhere, "appdb-ro")).as("no location preference: by name").isEqualTo("node2");
    }

    @Test
    void standbyPolicyWithoutStandbysFallsBackToThePrimary() {
        DatabaseConfig ro = new DatabaseConfig("appdb-ro", "main", Role.RO, "appdb", RoPolicy.STANDBY, new TreeMap<>());
        ClusterPlan plan = decide(list(writable(2, 2, afterFailoverView()), down(3)), null, null, "node3", ro);
        assertThat(target(plan, "appdb-ro")).isEqualTo("node2");
    }

    @Test
    void primaryPolicyFollowsRwAndClosesWithIt() {
        DatabaseConfig ro = new DatabaseConfig("appdb-ro", "main", Role.RO, "appdb", RoPolicy.PRIMARY, new TreeMap<>());
        ClusterPlan routed = decide(list(writable(2, 2, afterFailoverView()), standby(3, 2, afterFailoverView())),
                null, null, "node3", RW, ro);
        assertThat(target(routed, "appdb-ro")).isEqualTo("node2");
        ClusterPlan fenced = decide(list(standby(3, 2, afterFailoverView())), null, null, "node3", RW, ro);
        assertThat(target(fenced, "appdb-ro")).isEqualTo("closed");
    }

    @Test
    void twoRunningServersClaimingOneNodeIdFailClosed() {
        // a clone of node2 (same system, its own postmaster) answering at another address, both writable on tli 2
        NodeObservation node2 = new NodeObservation(addr(2), null, false, 2, TimelineSource.WAL_FILE, SYS, 2,
                1_795_670_000_000_001L, afterFailoverView());
        NodeObservation impostor = new NodeObservation(new Address("127.0.0.99", 5432), null, false, 2,
                TimelineSource.WAL_FILE, SYS, 2, 1_795_670_999_000_002L, afterFailoverView());
        ClusterPlan plan = decide(list(node2, impostor, standby(3, 2, afterFailoverView())), new Epoch(2, SYS), null,
                "node3");
        assertThat(plan.rw().verdict()).isEqualTo(RwOutcome.FENCED_CLOSED);
        assertThat(plan.rw().reason()).contains("node 2 is claimed by 2 running servers")
                .contains("127.0.0.12:5432").contains("127.0.0.99:5432");
        assertThat(target(plan, "appdb-rw")).isEqualTo("closed");
        NodeObservation standbyImpostor = new NodeObservation(new Address("127.0.0.99", 5432), null, true, 2,
                TimelineSource.WAL_RECEIVER, SYS, 2, 1_795_670_999_000_002L, afterFailoverView());
        assertThat(decide(list(node2, standbyImpostor), new Epoch(2, SYS), null, "node3").rw().verdict())
                .as("even when the second claimant is a standby").isEqualTo(RwOutcome.FENCED_CLOSED);
    }

    @Test
    void anInjectedNodeNameOnTheLocalNodeIsSaidWhenRoFallsBackToThePrimary() {
        List<RepmgrNode> view = List.of(Nodes.primaryRow(1, true), Nodes.standbyRow(2, 1),
                new RepmgrNode(3, "node3\n[databases]", "standby", true, "lab", 1, Nodes.conninfo(3)));
        ClusterPlan plan = decide(list(writable(1, 1, view), standby(2, 1, view), standby(3, 1, view)), null, null,
                "node3");
        assertThat(target(plan, "appdb-ro")).isEqualTo("node1");
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).startsWith("appdb-ro (ro policy local): ")
                .contains("no reachable node is called 'node3'").contains("falls back to the primary"));
    }

    @Test
    void aPasswordInAConninfoWithNoUsableHostIsNeverInAWarning() {
        List<RepmgrNode> view = List.of(Nodes.primaryRow(1, true),
                new RepmgrNode(2, "node2", "standby", true, "lab", 1, "dbname=repmgr user=repmgr password=s3cret"),
                new RepmgrNode(3, "node3", "standby", true, "lab", 1, "host=a,b password='s3 cret' port=x=y"));
        ClusterPlan plan = decide(list(writable(1, 1, view)), null, null, "node1");
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("node 2 (node2) field conninfo"));
        assertThat(String.join(" ", plan.warnings())).doesNotContain("s3cret").doesNotContain("s3 cret");
    }

    @Test
    void theDecisionDoesNotDependOnTheOrderOfObservations() {
        List<NodeObservation> nodes = list(Nodes.writable(1, 1, initialView()), writable(2, 2, afterFailoverView()),
                standby(3, 2, afterFailoverView()), down(4));
        ClusterPlan first = decide(nodes, null, null, "node3");
        List<NodeObservation> reversed = new ArrayList<>(nodes);
        Collections.reverse(reversed);
        assertThat(decide(reversed, null, null, "node3")).isEqualTo(first);
    }

    /** node2 after a restart with its repmgrd stopped (no local node id), reached at {@code address}. */
    private static NodeObservation node2Restarted(Address address, long postmasterStart) {
        return new NodeObservation(address, null, false, 2, TimelineSource.WAL_FILE, SYS, -1, postmasterStart,
                afterFailoverView());
    }

    /** node2 without a local node id, probed at its seed name and at its conninfo address, with these start times. */
    private ClusterPlan decideNode2AtSeedAndConninfo(long startAtSeed, long startAtConninfo) {
        return decide(list(node2Restarted(new Address("db-2.example.org", 5432), startAtSeed),
                node2Restarted(addr(2), startAtConninfo), standby(3, 2, afterFailoverView())), null, null, "node3");
    }

    @Test
    void onePrimaryReachedAtItsSeedNameAndItsConninfoAddressIsOneWriterEvenWithoutALocalNodeId() {
        ClusterPlan plan = decideNode2AtSeedAndConninfo(1_795_670_000_123_456L, 1_795_670_000_123_456L);
        assertThat(plan.rw().verdict()).as(plan.rw().reason()).isEqualTo(RwOutcome.ROUTED);
        assertThat(plan.rw().primary().host()).as("the address its own conninfo names").isEqualTo("127.0.0.12");
        assertThat(plan.warnings()).noneMatch(w -> w.contains("cannot find itself"));
    }

    @Test
    void twoServersWithoutALocalNodeIdStayTwoWriters() {
        ClusterPlan plan = decideNode2AtSeedAndConninfo(1_795_670_000_123_456L, 1_795_670_000_999_999L);
        assertThat(plan.rw().verdict()).isEqualTo(RwOutcome.FENCED_CLOSED);
        assertThat(plan.rw().reason()).startsWith("2 writable nodes on top timeline 2");
        assertThat(plan.warnings()).anyMatch(w -> w.contains("not routing to db-2.example.org:5432: cannot find itself"
                + " in its own repmgr.nodes: repmgr.get_local_node_id() gives no id"));
    }
}
