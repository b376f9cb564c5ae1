package org.pgfence.audit.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pgfence.audit.tracking.Fixtures.DUPLICATE_EVENT;
import static org.pgfence.audit.tracking.Fixtures.EVENT;
import static org.pgfence.audit.tracking.Fixtures.SYSTEM;
import static org.pgfence.audit.tracking.Fixtures.T0;
import static org.pgfence.audit.tracking.Fixtures.ack;
import static org.pgfence.audit.tracking.Fixtures.good;
import static org.pgfence.audit.tracking.Fixtures.promotion;
import static org.pgfence.audit.tracking.Fixtures.reporting;
import static org.pgfence.audit.tracking.Fixtures.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.pgfence.events.NodeRef;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.ClusterRouting;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.pgfence.events.AckStatus;
import org.pgfence.events.Epoch;

class CompletionTrackerTest {
    private final CompletionTracker tracker = new CompletionTracker(Duration.ofSeconds(5), Duration.ofSeconds(30));
    private final Clock clock = Clock.fixed(T0.plusSeconds(1), ZoneOffset.UTC);
    private final Promotion p = promotion(7, 2, "pgb1", "pgb2", "pgb3");

    /** Judged on acks alone: every host registered, none reporting routing (agents older than routing reports). */
    private Verdict evaluate(Promotion promotion, List<AckRecord> acks, Instant now) {
        return tracker.evaluate(promotion, acks, Fixtures.registered(promotion), now);
    }

    @Test
    void completeWhenEveryExpectedHostAckedGoodWithTheLastAckAsCompletionTime() {
        Verdict v = evaluate(p, List.of(good(7, "pgb1", 40), good(7, "pgb2", 90),
                ack(7L, EVENT, "pgb3", AckStatus.UNCHANGED, 2, 60)), clock.instant());
        assertThat(v.complete()).isTrue();
        assertThat(v.completedAt()).isEqualTo(T0.plusMillis(90));
        assertThat(v.duration()).isEqualTo(Duration.ofMillis(90));
        assertThat(v.hosts()).extracting(HostProgress::ackedAfter)
                .containsExactly(Duration.ofMillis(40), Duration.ofMillis(90), Duration.ofMillis(60));
        assertThat(v.overdueHosts()).isEmpty();
    }

    @Test
    void oneMissingHostKeepsItIncompleteAndPendingWithinTheDeadline() {
        Verdict v = evaluate(p, List.of(good(7, "pgb1", 40), good(7, "pgb2", 90)), clock.instant());
        assertThat(v.complete()).isFalse();
        assertThat(v.completedAt()).isNull();
        assertThat(v.duration()).isNull();
        assertThat(v.hosts()).extracting(HostProgress::state)
                .containsExactly(HostState.ACKED, HostState.ACKED, HostState.PENDING);
        assertThat(v.overdueHosts()).isEmpty();
    }

    @Test
    void hostsWithoutAGoodAckAreOverdueOnceTheDeadlineHasPassed() {
        Instant justBefore = T0.plusMillis(4999);
        Instant atDeadline = T0.plusSeconds(5);
        List<AckRecord> acks = List.of(good(7, "pgb1", 40), ack(7L, EVENT, "pgb2", AckStatus.FAILED, null, 50));
        assertThat(evaluate(p, acks, justBefore).overdueHosts()).isEmpty();
        Verdict v = evaluate(p, acks, atDeadline);
        assertThat(v.overdueHosts()).containsExactly("pgb2", "pgb3");
        HostProgress pgb2 = v.hosts().get(1);
        assertThat(pgb2.latestAck().status()).isEqualTo(AckStatus.FAILED);
        assertThat(pgb2.goodAck()).isNull();
    }

    @Test
    void acksOfDuplicateEventsOfOnePromotionCountTheHostOnce() {
        Promotion one = promotion(7, 2, "pgb1");
        AckRecord first = ack(7L, EVENT, "pgb1", AckStatus.APPLIED, 2, 30);
        AckRecord second = ack(7L, DUPLICATE_EVENT, "pgb1", AckStatus.UNCHANGED, 2, 80);
        Verdict v = evaluate(one, List.of(second, first), clock.instant());
        assertThat(v.complete()).isTrue();
        assertThat(v.hosts()).singleElement().satisfies(h -> {
            assertThat(h.goodAck()).isEqualTo(first);
            assertThat(h.ackedAfter()).isEqualTo(Duration.ofMillis(30));
        });
        assertThat(v.duration()).isEqualTo(Duration.ofMillis(30));
    }

    @Test
    void anAckForALaterPromotionOfTheSameClusterCounts() {
        Promotion one = promotion(7, 2, "pgb1");
        AckRecord later = ack(8L, UUID.randomUUID(), "pgb1", AckStatus.APPLIED, 3, 4000);
        assertThat(evaluate(one, List.of(later), clock.instant()).complete()).isTrue();
    }

    @Test
    void aReconcileAckAtOrAboveTheEpochCounts() {
        Promotion one = promotion(7, 2, "pgb1");
        assertThat(evaluate(one, List.of(ack(null, null, "pgb1", AckStatus.UNCHANGED, 2, 10)), clock.instant())
                .complete()).isTrue();
        assertThat(evaluate(one, List.of(ack(null, null, "pgb1", AckStatus.APPLIED, 1, 10)), clock.instant())
                .complete()).as("reconcile at a lower epoch").isFalse();
    }

    @Test
    void badStatusesLowerEpochsOtherSystemsAndOtherHostsDoNotCount() {
        Promotion one = promotion(7, 2, "pgb1");
        List<AckRecord> acks = List.of(
                ack(7L, EVENT, "pgb1", AckStatus.FAILED, 2, 10),
                ack(7L, EVENT, "pgb1", AckStatus.REJECTED_STALE, 2, 11),
                ack(7L, EVENT, "pgb1", AckStatus.FENCED_CLOSED, 2, 12),
                ack(7L, EVENT, "pgb1", AckStatus.APPLIED, 1, 13),
                new AckRecord(UUID.randomUUID(), EVENT, 7L, "lab", "pgb1", "a", AckStatus.APPLIED,
                        new Epoch(5, "999"), T0, null),
                new AckRecord(UUID.randomUUID(), EVENT, 7L, "other", "pgb1", "a", AckStatus.APPLIED,
                        new Epoch(2, SYSTEM), T0, null),
                good(7, "pgb9", 10));
        Verdict v = evaluate(one, acks, T0.plusSeconds(6));
        assertThat(v.complete()).isFalse();
        assertThat(v.overdueHosts()).containsExactly("pgb1");
    }

    @Test
    void aPromotionWithoutExpectedHostsIsNeverComplete() {
        Verdict v = evaluate(promotion(7, 2), List.of(good(7, "pgb1", 10)), T0.plusSeconds(60));
        assertThat(v.complete()).isFalse();
        assertThat(v.noExpectedHosts()).isTrue();
        assertThat(v.overdueHosts()).isEmpty();
    }

    @Test
    void anAckCompletedBeforeOccurredAtGivesZeroNotNegativeDuration() {
        Promotion one = promotion(7, 2, "pgb1");
        Verdict v = evaluate(one, List.of(good(7, "pgb1", -20)), clock.instant());
        assertThat(v.duration()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aRemediationAckMarksTheHostRemediated() {
        Promotion one = promotion(7, 2, "pgb1");
        AckRecord audit = new AckRecord(UUID.randomUUID(), EVENT, 7L, "lab", "pgb1", AckRecord.AUDIT_AGENT,
                AckStatus.APPLIED, new Epoch(2, SYSTEM), T0.plusSeconds(7), null);
        Verdict v = evaluate(one, List.of(audit), T0.plusSeconds(8));
        assertThat(v.complete()).isTrue();
        assertThat(v.hosts().get(0).remediated()).isTrue();
    }

    @Test
    void oldUnlinkedFailuresFromBeforeThePromotionAreNotShownAsItsState() {
        Promotion one = promotion(7, 2, "pgb1");
        AckRecord yesterday = ack(null, null, "pgb1", AckStatus.FAILED, null, -86_400_000L);
        Verdict v = evaluate(one, List.of(yesterday), T0.plusSeconds(6));
        assertThat(v.hosts().get(0).latestAck()).isNull();
    }

    @Test
    void aHostWhoseRoutingNoLongerServesAfterItsGoodAckIsRegressedAndBlocksCompletion() {
        List<AckRecord> acks = List.of(good(7, "pgb1", 40), good(7, "pgb2", 90), good(7, "pgb3", 60));
        Verdict v = tracker.evaluate(p, acks, reporting(p, routing("pgb2", AckStatus.FAILED, 2, 3000)),
                T0.plusSeconds(10));
        assertThat(v.complete()).isFalse();
        assertThat(v.hosts()).extracting(HostProgress::state)
                .containsExactly(HostState.ACKED, HostState.REGRESSED, HostState.ACKED);
        assertThat(v.regressedHosts()).containsExactly("pgb2");
        assertThat(v.overdueHosts()).as("regressed, not overdue: it acked in time").isEmpty();
        assertThat(v.holds()).isFalse();
        HostProgress pgb2 = v.hosts().get(1);
        assertThat(pgb2.goodAck()).as("the ack that was good is still shown").isNotNull();
        assertThat(pgb2.routing().routing().status()).isEqualTo(AckStatus.FAILED);
        assertThat(pgb2.routingOlderThanAck()).isFalse();
    }

    @Test
    void routingReportedBeforeTheLastGoodAckIsSupersededByIt() {
        Promotion one = promotion(7, 2, "pgb1");
        RoutingRecord before = routing("pgb1", AckStatus.APPLIED, 1, 10); // still on timeline 1, before its ack
        Verdict v = tracker.evaluate(one, List.of(good(7, "pgb1", 40)), reporting(one, before), T0.plusSeconds(10));
        assertThat(v.complete()).as("its live agent has not yet reported that it still serves").isFalse();
        Verdict silent = tracker.evaluate(one, List.of(good(7, "pgb1", 40)), reporting(one, before), T0.plusSeconds(40));
        assertThat(silent.complete()).as("silent beyond heartbeatTtl: judged on its ack").isTrue();
        assertThat(v.hosts()).singleElement().satisfies(h -> {
            assertThat(h.state()).isEqualTo(HostState.ACKED);
            assertThat(h.routing()).isEqualTo(before);
            assertThat(h.routingOlderThanAck()).isTrue();
        });
        RoutingRecord failedThenRepaired = routing("pgb1", AckStatus.FAILED, 2, 3000);
        AckRecord repaired = new AckRecord(UUID.randomUUID(), null, null, "lab", "pgb1", "agent-pgb1",
                AckStatus.UNCHANGED, new Epoch(2, SYSTEM), T0.plusSeconds(5), null);
        assertThat(tracker.evaluate(one, List.of(good(7, "pgb1", 40), repaired), reporting(one, failedThenRepaired),
                T0.plusSeconds(10)).hosts().get(0).state()).as("a good ack newer than the failure it reported")
                .isEqualTo(HostState.ACKED);
        assertThat(tracker.evaluate(one, List.of(good(7, "pgb1", 40), repaired), reporting(one, failedThenRepaired),
                T0.plusSeconds(40)).complete()).isTrue();
    }

    /** A report of {@code host} at {@code reportedMs} that it serves timeline 2, routing so since {@code sinceMs}. */
    private static RoutingRecord serving(String host, long sinceMs, long reportedMs) {
        ClusterRouting r = new ClusterRouting("lab", new Epoch(2, SYSTEM), new Epoch(2, SYSTEM), false,
                AckStatus.UNCHANGED, T0.plusMillis(reportedMs - 1), List.of(DatabaseTarget.routed("appdb-rw", "rw",
                new NodeRef(2, "node2", "127.0.0.12", 5432))), null, T0.plusMillis(sinceMs));
        return new RoutingRecord(host, r, T0.plusMillis(reportedMs));
    }

    @Test
    void completeAtTOnlyOnceEveryLiveHostReportedAtOrAfterTThatItStillServesSinceBeforeT() {
        Promotion two = promotion(7, 2, "pgb1", "pgb2");
        List<AckRecord> acks = List.of(good(7, "pgb1", 40), good(7, "pgb2", 90));
        Instant now = T0.plusSeconds(3);
        assertThat(tracker.evaluate(two, acks, reporting(two, serving("pgb1", 30, 60), serving("pgb2", 85, 100)), now)
                .complete()).as("pgb1 last said so at 60 ms, before the last ack (90 ms)").isFalse();
        Verdict v = tracker.evaluate(two, acks, reporting(two, serving("pgb1", 30, 120), serving("pgb2", 85, 100)), now);
        assertThat(v.complete()).isTrue();
        assertThat(v.completedAt()).isEqualTo(T0.plusMillis(90));

        Verdict reopened = tracker.evaluate(two, acks, reporting(two, serving("pgb1", 130, 150),
                serving("pgb2", 85, 100)), now);
        assertThat(reopened.complete()).as("pgb1 routes so only since 130 ms; pgb2 said so last at 100").isFalse();
        Verdict later = tracker.evaluate(two, acks, reporting(two, serving("pgb1", 130, 150), serving("pgb2", 85, 140)),
                now);
        assertThat(later.completedAt()).as("the moment both routed").isEqualTo(T0.plusMillis(130));
    }

    @Test
    void aHostRepairedOverSshAfterItsAgentsLastReportIsJudgedOnTheRepair() {
        Promotion one = promotion(7, 2, "pgb1");
        AckRecord repair = new AckRecord(UUID.randomUUID(), EVENT, 7L, "lab", "pgb1", AckRecord.AUDIT_AGENT,
                AckStatus.APPLIED, new Epoch(2, SYSTEM), T0.plusSeconds(8), null);
        RoutingRecord lastWords = routing("pgb1", AckStatus.APPLIED, 1, 10); // its agent, stopped before the failover
        Verdict v = tracker.evaluate(one, List.of(repair), reporting(one, lastWords), T0.plusSeconds(10));
        assertThat(v.complete()).as("no report will come from a stopped agent").isTrue();
        assertThat(v.completedAt()).isEqualTo(T0.plusSeconds(8));
    }

    @Test
    void aHostFencedClosedAMomentAfterItsAckKeepsThePromotionFromCompletingAtTheLastAck() {
        Promotion two = promotion(7, 2, "pgb1", "pgb2");
        List<AckRecord> acks = List.of(good(7, "pgb1", 40), good(7, "pgb2", 90));
        RoutingRecord cut = routing("pgb1", AckStatus.FENCED_CLOSED, 2, 80); // reported at 1080 ms
        Verdict v = tracker.evaluate(two, acks, reporting(two, cut, serving("pgb2", 85, 1100)), T0.plusSeconds(3));
        assertThat(v.complete()).isFalse();
        assertThat(v.regressedHosts()).containsExactly("pgb1");
    }

    @Test
    void theRoutingOfTheTriggerThatAckedIsCurrentNotOlderThanTheAck() {
        Promotion one = promotion(7, 2, "pgb1");
        Verdict v = tracker.evaluate(one, List.of(good(7, "pgb1", 40)),
                reporting(one, routing("pgb1", AckStatus.APPLIED, 2, 40)), T0.plusSeconds(3));
        assertThat(v.hosts()).singleElement().satisfies(h -> {
            assertThat(h.state()).isEqualTo(HostState.ACKED);
            assertThat(h.routingOlderThanAck()).isFalse();
        });
    }

    @Test
    void routingAtALaterPromotionsTimelineServesThisOne() {
        Promotion one = promotion(7, 2, "pgb1");
        Verdict v = tracker.evaluate(one, List.of(good(7, "pgb1", 40)),
                reporting(one, routing("pgb1", AckStatus.APPLIED, 3, 60_000)), T0.plusSeconds(70));
        assertThat(v.complete()).isTrue();
        assertThat(v.hosts().get(0).state()).isEqualTo(HostState.ACKED);
        assertThat(tracker.evaluate(one, List.of(good(7, "pgb1", 40)),
                reporting(one, routing("pgb1", AckStatus.UNCHANGED, 1, 60_000)), T0.plusSeconds(70)).regressedHosts())
                .as("back on a lower timeline").containsExactly("pgb1");
    }

    @Test
    void fencedClosedRoutingAfterAGoodAckRegresses() {
        Promotion one = promotion(7, 2, "pgb1");
        Verdict v = tracker.evaluate(one, List.of(good(7, "pgb1", 40)),
                reporting(one, routing("pgb1", AckStatus.FENCED_CLOSED, 3, 60_000)), T0.plusSeconds(70));
        assertThat(v.complete()).isFalse();
        assertThat(v.regressedHosts()).containsExactly("pgb1");
        assertThat(v.hosts().get(0).routing().routing().fencedClosed()).isTrue();
    }

    @Test
    void hostsThatReportNoRoutingAreJudgedOnTheirAcksAsBefore() {
        List<AckRecord> acks = List.of(good(7, "pgb1", 40), good(7, "pgb2", 90),
                ack(7L, EVENT, "pgb3", AckStatus.UNCHANGED, 2, 60));
        Verdict v = tracker.evaluate(p, acks, new HostReports("lab", Set.of("pgb1", "pgb2", "pgb3"), List.of()),
                T0.plusSeconds(10));
        assertThat(v).isEqualTo(evaluate(p, acks, T0.plusSeconds(10)));
        assertThat(v.complete()).isTrue();
        assertThat(v.hosts()).allSatisfy(h -> assertThat(h.routing()).isNull());
    }

    @Test
    void aPromotionRecordedCompleteStaysCompleteWhileItsHostsShowWhatTheyRouteNow() {
        Promotion recorded = new Promotion(7, EVENT, "lab", new Epoch(2, SYSTEM), p.newPrimary(), p.formerPrimary(),
                p.trigger(), T0, T0, T0.plusMillis(90), List.of("pgb1"));
        Verdict v = tracker.evaluate(recorded, List.of(good(7, "pgb1", 90)),
                reporting(recorded, routing("pgb1", AckStatus.FENCED_CLOSED, 2, 60_000)), T0.plusSeconds(70));
        assertThat(v.complete()).as("it was complete, then").isTrue();
        assertThat(v.completedAt()).isEqualTo(T0.plusMillis(90));
        assertThat(v.duration()).isEqualTo(Duration.ofMillis(90));
        assertThat(v.regressedHosts()).containsExactly("pgb1");
        assertThat(v.holds()).as("but not now").isFalse();
    }

    @Test
    void reportsOfOtherClustersAndUnregisteredHostsAreToldApart() {
        RoutingRecord other = new RoutingRecord("pgb1", new org.pgfence.events.ClusterRouting("other", null, null, true,
                AckStatus.FENCED_CLOSED, T0, List.of(), "x"), T0.plusSeconds(1));
        HostReports reports = HostReports.of("lab", List.of(Fixtures.agent("pgb1", T0, T0, "lab"),
                Fixtures.agent("pgb2", T0, T0, "other")), List.of(other, routing("pgb2", AckStatus.APPLIED, 2, 0)));
        assertThat(reports.routingOf("pgb1")).isEmpty();
        assertThat(reports.routingOf("pgb2")).isPresent();
        assertThat(reports.registered("pgb1")).isTrue();
        assertThat(reports.registered("pgb2")).as("registered for another cluster only").isFalse();
        Verdict v = tracker.evaluate(promotion(7, 2, "pgb9"), List.of(), reports, T0.plusSeconds(6));
        assertThat(v.hosts()).singleElement().satisfies(h -> {
            assertThat(h.state()).isEqualTo(HostState.OVERDUE);
            assertThat(h.neverHeardFrom()).isTrue();
        });
    }
}
