package org.pgfence.audit.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pgfence.audit.tracking.Fixtures.EVENT;
import static org.pgfence.audit.tracking.Fixtures.T0;
import static org.pgfence.audit.tracking.Fixtures.ack;
import static org.pgfence.audit.tracking.Fixtures.good;
import static org.pgfence.audit.tracking.Fixtures.promotion;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.pgfence.audit.store.RemediationRecord;
import org.pgfence.audit.tracking.AckRecord;
import org.pgfence.audit.tracking.CompletionTracker;
import org.pgfence.audit.tracking.Fixtures;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.audit.tracking.Verdict;
import org.pgfence.events.AckStatus;
import org.pgfence.events.Epoch;
import org.pgfence.events.EventJson;
import org.pgfence.process.ExitCode;

class StatusRenderingTest {
    private final CompletionTracker tracker = new CompletionTracker(Duration.ofSeconds(5), Duration.ofSeconds(30));

    private Verdict complete() {
        Promotion p = promotion(7, 2, "pgb1", "pgb2");
        return tracker.evaluate(p, List.of(good(7, "pgb1", 40), ack(7L, EVENT, "pgb2", AckStatus.UNCHANGED, 2, 95)),
                Fixtures.registered(p), T0.plusSeconds(10));
    }

    private Verdict incompleteWithRemediation() {
        Promotion p = new Promotion(8, UUID.randomUUID(), "lab", new Epoch(3, Fixtures.SYSTEM), promotion(8, 3).newPrimary(),
                null, promotion(8, 3).trigger(), T0.plusSeconds(100), T0.plusSeconds(100), null, List.of("pgb1", "pgb3"));
        AckRecord failed = new AckRecord(UUID.randomUUID(), p.firstEventId(), 8L, "lab", "pgb3", "agent-pgb3",
                AckStatus.FAILED, null, T0.plusSeconds(101), "pgbouncer admin console refused");
        return tracker.evaluate(p, List.of(good(8, "pgb1", 100_030, 3), failed), Fixtures.registered(p),
                T0.plusSeconds(110));
    }

    private StatusReport report(List<Verdict> latest) {
        Verdict c = complete();
        Verdict i = incompleteWithRemediation();
        RemediationRecord r = new RemediationRecord(8, "pgb3", 1, "HOST_KEY_REJECTED",
                "host key for 127.0.0.13:2222 is not in /k (refusing to connect)", T0.plusSeconds(106));
        return new StatusReport(T0.plusSeconds(110), null, List.of(
                new PromotionStatus(i, Map.of("pgb3", T0.plusSeconds(105)), List.of(r)),
                new PromotionStatus(c, Map.of(), List.of())), latest);
    }

    @Test
    void exitCodeIsOkOnlyWhenTheLatestPromotionOfEachClusterIsComplete() {
        assertThat(report(List.of(complete())).exitCode()).isEqualTo(ExitCode.OK);
        assertThat(report(List.of(complete(), incompleteWithRemediation())).exitCode()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(new StatusReport(T0, "none", List.of(), List.of()).exitCode()).isEqualTo(ExitCode.OK);
    }

    @Test
    void textShowsEachPromotionItsVerdictAndEveryHost() {
        String text = StatusText.render(StatusDocument.of(report(List.of(incompleteWithRemediation()))));
        assertThat(text).contains(
                "promotion #8 cluster lab timeline 3 (system 7441234567890123456)\n",
                "  occurred 2026-11-25T20:08:55Z  INCOMPLETE\n",
                "    pgb1             ACKED    APPLIED at timeline 3, acked after 30 ms\n",
                "    pgb3             OVERDUE  FAILED at timeline ?, overdue since 2026-11-25T20:09:00Z,"
                        + " error: pgbouncer admin console refused, remediation: #1 HOST_KEY_REJECTED (host key for"
                        + " 127.0.0.13:2222 is not in /k (refusing to connect))\n",
                "promotion #7 cluster lab timeline 2",
                "  new primary node2(2)@127.0.0.12:5432, former node1(1), trigger repmgrd-failover\n",
                "  occurred 2026-11-25T20:07:15Z  COMPLETE in 95 ms (at 2026-11-25T20:07:15.095Z)\n",
                "    pgb2             ACKED    UNCHANGED at timeline 2, acked after 95 ms\n",
                "cluster lab: latest promotion #8 (timeline 3) is INCOMPLETE\n");
        assertThat(text).endsWith("NOT OK (exit 1)\n");
    }

    @Test
    void aHostWithoutAnyAckShowsOnlyItsState() {
        Promotion p = promotion(9, 2, "pgb3");
        Verdict v = tracker.evaluate(p, List.of(), Fixtures.registered(p), T0.plusSeconds(6));
        String text = StatusText.render(StatusDocument.of(new StatusReport(T0.plusSeconds(6), null,
                List.of(new PromotionStatus(v, Map.of("pgb3", T0.plusSeconds(5)), List.of())), List.of(v))));
        assertThat(text).contains("    pgb3             OVERDUE  overdue since 2026-11-25T20:07:20Z\n");
    }

    @Test
    void textSaysSoWhenNothingWasRecorded() {
        String text = StatusText.render(StatusDocument.of(new StatusReport(T0, "lab", List.of(), List.of())));
        assertThat(text).isEqualTo("No promotion recorded for cluster lab.\nOK (exit 0)\n");
    }

    @Test
    void aClusterInMaintenanceIsSaidFirstAndDoesNotChangeTheExitCode() {
        StatusReport r = new StatusReport(T0, "lab", List.of(), List.of(), List.of(new org.pgfence.audit.store
                .MaintenanceRecord("lab", "kernel upgrade", "postgres@dba1", T0.minusSeconds(60))));
        String text = StatusText.render(StatusDocument.of(r));
        assertThat(text).startsWith("cluster lab IN MAINTENANCE since " + T0.minusSeconds(60)
                + " (postgres@dba1: kernel upgrade): its agents change nothing");
        assertThat(r.exitCode()).isEqualTo(ExitCode.OK);
    }

    @Test
    void jsonIsAStableDocumentWithEveryKeyPresent() throws Exception {
        String json = EventJson.mapper().writeValueAsString(StatusDocument.of(report(List.of(complete()))));
        JsonNode root = EventJson.mapper().readTree(json);
        assertThat(root.fieldNames()).toIterable().containsExactly("schemaVersion", "generatedAt", "cluster", "ok",
                "exitCode", "clusters", "promotions", "maintenance");
        assertThat(root.get("ok").asBoolean()).isTrue();
        JsonNode latest = root.get("clusters").get(0);
        assertThat(latest.fieldNames()).toIterable().containsExactly("cluster", "latestPromotion", "timeline",
                "complete", "regressedHosts");
        assertThat(latest.get("latestPromotion").asLong()).isEqualTo(7);
        JsonNode incomplete = root.get("promotions").get(0);
        assertThat(incomplete.get("complete").asBoolean()).isFalse();
        assertThat(incomplete.get("durationMs").isNull()).isTrue();
        assertThat(incomplete.get("occurredAt").asText()).isEqualTo("2026-11-25T20:08:55Z");
        JsonNode pgb3 = incomplete.get("hosts").get(1);
        assertThat(pgb3.fieldNames()).toIterable().containsExactly("host", "state", "status", "timeline", "agentId",
                "ackedAfterMs", "remediated", "overdueSince", "error", "remediations", "now", "agentRegistered",
                "heardFrom");
        assertThat(pgb3.get("now").isNull()).as("an agent that reports no routing").isTrue();
        assertThat(pgb3.get("state").asText()).isEqualTo("OVERDUE");
        assertThat(pgb3.get("remediations").get(0).get("outcome").asText()).isEqualTo("HOST_KEY_REJECTED");
        JsonNode done = root.get("promotions").get(1);
        assertThat(done.get("durationMs").asLong()).isEqualTo(95);
        assertThat(done.get("hosts").get(0).get("ackedAfterMs").asLong()).isEqualTo(40);
        assertThat(done.get("epoch").get("timeline").asInt()).isEqualTo(2);
    }

    /** pgb1 acked promotion #7 at 40 ms, pgb2 at 95 ms; then pgb1's pgbouncer went down, pgb2 still routes. */
    private StatusReport regressedAfterCompletion() {
        Promotion recorded = new Promotion(7, EVENT, "lab", new Epoch(2, Fixtures.SYSTEM), promotion(7, 2).newPrimary(),
                null, promotion(7, 2).trigger(), T0, T0, T0.plusMillis(95), List.of("pgb1", "pgb2"));
        Verdict v = tracker.evaluate(recorded, List.of(good(7, "pgb1", 40), good(7, "pgb2", 95)),
                Fixtures.reporting(recorded, Fixtures.routing("pgb1", AckStatus.FAILED, 2, 60_000),
                        Fixtures.routing("pgb2", AckStatus.UNCHANGED, 2, 60_000)), T0.plusSeconds(64));
        return new StatusReport(T0.plusSeconds(64), "lab", List.of(new PromotionStatus(v, Map.of(), List.of())),
                List.of(v));
    }

    @Test
    void aHostThatRegressedAfterCompletionIsShownWithWhatItReportsAndTheStatusIsNotOk() {
        StatusReport report = regressedAfterCompletion();
        assertThat(report.exitCode()).isEqualTo(ExitCode.CHECK_FAILED);
        String text = StatusText.render(StatusDocument.of(report));
        assertThat(text).contains(
                "  occurred 2026-11-25T20:07:15Z  COMPLETE in 95 ms (at 2026-11-25T20:07:15.095Z)\n",
                "    pgb1             REGRESSED APPLIED at timeline 2, acked after 40 ms,"
                        + " now FAILED: why pgb1 is FAILED (reported 3 s ago)\n",
                "    pgb2             ACKED    APPLIED at timeline 2, acked after 95 ms,"
                        + " now routes appdb-rw -> node2(2)@127.0.0.12:5432 at timeline 2 (reported 3 s ago)\n",
                "cluster lab: latest promotion #7 (timeline 2) is COMPLETE; REGRESSED now: pgb1\n");
        assertThat(text).endsWith("NOT OK (exit 1)\n");
    }

    @Test
    void jsonShowsWhatEachHostReportsNow() throws Exception {
        JsonNode root = EventJson.mapper().readTree(EventJson.mapper().writeValueAsString(
                StatusDocument.of(regressedAfterCompletion())));
        assertThat(root.get("ok").asBoolean()).isFalse();
        assertThat(root.get("clusters").get(0).get("complete").asBoolean()).isTrue();
        assertThat(root.get("clusters").get(0).get("regressedHosts")).extracting(JsonNode::asText).containsExactly("pgb1");
        JsonNode pgb1 = root.get("promotions").get(0).get("hosts").get(0);
        assertThat(pgb1.get("state").asText()).isEqualTo("REGRESSED");
        JsonNode now = pgb1.get("now");
        assertThat(now.fieldNames()).toIterable().containsExactly("serves", "status", "fencedClosed", "epoch", "floor",
                "targets", "reason", "at", "reportedAt", "olderThanAck");
        assertThat(now.get("serves").asBoolean()).isFalse();
        assertThat(now.get("status").asText()).isEqualTo("FAILED");
        assertThat(now.get("epoch").isNull()).isTrue();
        assertThat(now.get("floor").get("timeline").asInt()).isEqualTo(2);
        assertThat(now.get("reportedAt").asText()).isEqualTo("2026-11-25T20:08:16Z");
        JsonNode pgb2 = root.get("promotions").get(0).get("hosts").get(1).get("now");
        assertThat(pgb2.get("serves").asBoolean()).isTrue();
        assertThat(pgb2.get("targets").get(0).get("node").get("name").asText()).isEqualTo("node2");
    }

    @Test
    void fencedClosedAndNeverRegisteredHostsAreSaidInWords() {
        Promotion p = promotion(9, 3, "pgb1", "pgb-new");
        org.pgfence.audit.tracking.HostReports reports = new org.pgfence.audit.tracking.HostReports("lab",
                java.util.Set.of("pgb1"), List.of(Fixtures.routing("pgb1", AckStatus.FENCED_CLOSED, 3, 2000)));
        Verdict v = tracker.evaluate(p, List.of(), reports, T0.plusSeconds(6));
        String text = StatusText.render(StatusDocument.of(new StatusReport(T0.plusSeconds(6), null,
                List.of(new PromotionStatus(v, Map.of("pgb-new", T0.plusSeconds(5)), List.of())), List.of(v))));
        assertThat(text).contains(
                "    pgb-new          OVERDUE  overdue since 2026-11-25T20:07:20Z, no agent ever registered\n",
                "    pgb1             OVERDUE  now FENCED CLOSED: why pgb1 is FENCED_CLOSED (reported 3 s ago)\n");
    }

    @Test
    void thePromotionPageHasOneRowAndOneTimelineBarPerHostOverdueInRedAndTheTimesFromTheOccurrence() {
        Verdict i = incompleteWithRemediation();
        RemediationRecord r = new RemediationRecord(8, "pgb3", 1, "HOST_KEY_REJECTED", "refused", T0.plusSeconds(106));
        StatusDocument.PromotionLine line = StatusDocument.promotionLine(new PromotionStatus(i,
                Map.of("pgb3", T0.plusSeconds(105)), List.of(r)));
        Map<String, org.pgfence.audit.store.AckTimes> times = Map.of("pgb1", new org.pgfence.audit.store.AckTimes("pgb1",
                "APPLIED", T0.plusSeconds(100).plusMillis(12), T0.plusSeconds(100).plusMillis(30),
                T0.plusSeconds(100).plusMillis(41), 5L, 13L));
        String html = StatusHtml.promotion(new PromotionPage(T0.plusSeconds(110), line, times, T0.plusSeconds(100)
                .plusMillis(8), null));
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n")
                .contains("<h1>Promotion #8: lab, timeline 3</h1>", "<span id=\"verdict\" class=\"bad\">INCOMPLETE</span>")
                .contains("<tr class=\"host acked\" data-host=\"pgb1\"><td>pgb1</td><td>ACKED</td><td>+12 ms</td>"
                        + "<td>+30 ms</td><td>+41 ms</td>")
                .contains("<tr class=\"host overdue\" data-host=\"pgb3\"><td>pgb3</td><td>OVERDUE (overdue since"
                        + " 2026-11-25T20:09:00Z)</td><td></td><td></td><td></td><td>SSH #1 HOST_KEY_REJECTED</td>")
                .contains("<g class=\"row acked\">", "<g class=\"row overdue\">", "tr.overdue,tr.regressed{background:#fde7e7}",
                        "<title>announced to the auditor +8 ms</title>", "<title>recorded +41 ms</title>",
                        "<text class=\"repair\"");
        assertThat(html.split("<tr class=\"host ", -1)).hasSize(3);
        assertThat(html).doesNotContain("<script");
    }

    @Test
    void aPromotionHeldByTwoPhaseFencingShowsTheIntentAndWhenEachHostPaused() {
        StatusDocument.PromotionLine line = StatusDocument.promotionLine(new PromotionStatus(incompleteWithRemediation(),
                Map.of("pgb3", T0.plusSeconds(105)), List.of()));
        org.pgfence.audit.store.Hold hold = new org.pgfence.audit.store.Hold(java.util.UUID.randomUUID(), "SWITCHOVER",
                "node2", "node2", T0.plusSeconds(92), T0.plusSeconds(152), Map.of("pgb1", T0.plusSeconds(94).plusMillis(50)));
        String html = StatusHtml.promotion(new PromotionPage(T0.plusSeconds(110), line, Map.of(), null, hold));
        assertThat(html).contains("<p id=\"hold\" class=\"meta\">two-phase fencing: fencing-started by node2 (switchover"
                        + " to node2) -8000 ms, holding until +52000 ms; 1 of 2 hosts acked PAUSED</p>")
                .contains("<th>state</th><th>paused</th><th>received</th>")
                .contains("<tr class=\"host acked\" data-host=\"pgb1\"><td>pgb1</td><td>ACKED</td><td>-5950 ms</td>")
                .contains("data-host=\"pgb3\"><td>pgb3</td><td>OVERDUE (overdue since 2026-11-25T20:09:00Z)</td><td></td>");
    }

    @Test
    void theIndexLinksEveryPromotionAndEscapesWhatAgentsReported() {
        String html = StatusHtml.index(StatusDocument.of(report(List.of(incompleteWithRemediation()))));
        assertThat(html).contains("<a href=\"/promotions/8\">#8</a>", "<a href=\"/promotions/7\">#7</a>",
                "complete in 95 ms", "<td class=\"bad\">incomplete</td>", "1 / 2 acked", "NOT OK");
        assertThat(StatusHtml.esc("<img src=x onerror=\"a\">&'")).isEqualTo(
                "&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;");
    }
}
