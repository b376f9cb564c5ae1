package org.pgfence.consumer.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgfence.events.AckStatus;
import org.pgfence.events.ClusterRouting;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.Epoch;
import org.pgfence.events.NodeRef;

class StatusBoardTest {
    static final String SYS = "7300000000000000001";
    static final Epoch E2 = new Epoch(2, SYS);
    static final Epoch E3 = new Epoch(3, SYS);
    static final Instant AT = Instant.parse("2026-11-25T20:07:16Z");
    static final NodeRef NODE2 = new NodeRef(2, "node2", "127.0.0.12", 5432);
    static final List<DatabaseTarget> ROUTED = List.of(DatabaseTarget.routed("appdb-rw", "rw", NODE2));
    static final List<DatabaseTarget> CLOSED = List.of(new DatabaseTarget("appdb-rw", "rw", DatabaseTarget.DISABLED, null));

    private final StatusBoard board = new StatusBoard();

    @Test
    void aGoodTriggerThatLeftRwOpenRoutesAtTheFloorWhichIsTheEpochApplied() {
        ClusterRouting r = new ClusterStatus("main", E2, ROUTED, AckStatus.APPLIED, AT, false, null).routing();
        assertThat(r).isEqualTo(new ClusterRouting("main", E2, E2, false, AckStatus.APPLIED, AT, ROUTED, null));
        assertThat(r.serves(E2)).isTrue();
        assertThat(r.serves(E3)).as("a later promotion it has not applied").isFalse();
        assertThat(new ClusterStatus("main", E2, ROUTED, AckStatus.UNCHANGED, AT, false, null).routing().serves(E2))
                .isTrue();
    }

    @Test
    void fencedClosedRoutesNothingAndSaysWhy() {
        ClusterRouting r = new ClusterStatus("main", E3, CLOSED, AckStatus.FENCED_CLOSED, AT, true,
                "the highest reachable timeline 2 is below the epoch floor tli 3@" + SYS).routing();
        assertThat(r.epoch()).isNull();
        assertThat(r.floor()).isEqualTo(E3);
        assertThat(r.fencedClosed()).isTrue();
        assertThat(r.reason()).contains("below the epoch floor");
        assertThat(r.serves(E2)).isFalse();
    }

    @Test
    void afterAFailedTriggerNothingIsKnownToBeRouted() {
        ClusterRouting r = new ClusterStatus("main", E2, ROUTED, AckStatus.FAILED, AT, false,
                "pgbouncer admin postgres@127.0.0.12:6432: connection refused").routing();
        assertThat(r.epoch()).isNull();
        assertThat(r.floor()).isEqualTo(E2);
        assertThat(r.status()).isEqualTo(AckStatus.FAILED);
        assertThat(r.reason()).contains("connection refused");
        assertThat(r.serves(E2)).isFalse();
    }

    @Test
    void theRoutingReportedIsTheLastTriggersPerCluster() {
        board.put(new ClusterStatus("main", E2, ROUTED, AckStatus.APPLIED, AT, false, null));
        board.put(new ClusterStatus("other", null, CLOSED, AckStatus.FENCED_CLOSED, AT, true, "floor unknown"));
        board.put(new ClusterStatus("main", E2, ROUTED, AckStatus.FAILED, AT.plusSeconds(30), false, "boom"));
        assertThat(board.routing()).extracting(ClusterRouting::cluster, ClusterRouting::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("main", AckStatus.FAILED),
                        org.assertj.core.groups.Tuple.tuple("other", AckStatus.FENCED_CLOSED));
    }

    @Test
    void aRejectedStaleEventChangesNothingRoutedSoNotTheRoutingReportedEither() {
        board.put(new ClusterStatus("main", E2, ROUTED, AckStatus.APPLIED, AT, false, null));
        board.put(new ClusterStatus("main", E2, ROUTED, AckStatus.REJECTED_STALE, AT.plusSeconds(5), false, null));
        assertThat(board.all()).singleElement().extracting(ClusterStatus::lastStatus)
                .as("/status still says what the last trigger did").isEqualTo(AckStatus.REJECTED_STALE);
        assertThat(board.routing()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(AckStatus.APPLIED);
            assertThat(r.at()).isEqualTo(AT);
            assertThat(r.serves(E2)).isTrue();
        });
    }

    @Test
    void aRoutingKeepsTheMomentItBeganWhileTriggersFindItUnchanged() {
        board.put(new ClusterStatus("main", E2, ROUTED, AckStatus.APPLIED, AT, false, null));
        board.put(new ClusterStatus("main", E2, ROUTED, AckStatus.UNCHANGED, AT.plusSeconds(2), false, null));
        assertThat(board.routing().get(0).since()).as("unchanged since the apply").isEqualTo(AT);
        assertThat(board.routing().get(0).at()).isEqualTo(AT.plusSeconds(2));
        board.put(new ClusterStatus("main", E3, CLOSED, AckStatus.FENCED_CLOSED, AT.plusSeconds(4), true, "cut off"));
        assertThat(board.routing().get(0).since()).isEqualTo(AT.plusSeconds(4));
        board.put(new ClusterStatus("main", E3, CLOSED, AckStatus.FENCED_CLOSED, AT.plusSeconds(6), true, "cut off"));
        assertThat(board.routing().get(0).since()).isEqualTo(AT.plusSeconds(4));
        board.put(new ClusterStatus("main", E2, ROUTED, AckStatus.FAILED, AT.plusSeconds(8), false, "RELOAD failed"));
        assertThat(board.routing().get(0).since()).as("a failed trigger is another state").isEqualTo(AT.plusSeconds(8));
        board.put(new ClusterStatus("main", E2, ROUTED, AckStatus.REJECTED_STALE, AT.plusSeconds(9), false, null));
        assertThat(board.routing().get(0).since()).isEqualTo(AT.plusSeconds(8));
    }

    @Test
    void nothingIsReportedForAClusterNotReconciledYet() {
        assertThat(board.routing()).isEmpty();
    }
}
