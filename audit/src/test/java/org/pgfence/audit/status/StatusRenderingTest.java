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
    private final CompletionTracker tracker = new CompletionTracker(Duration.ofSeconds(5));

    private Verdict complete() {
        return tracker.evaluate(promotion(7, 2, "pgb1", "pgb2"), List.of(good(7, "pgb1", 40),
                ack(7L, EVENT, "pgb2", AckStatus.UNCHANGED, 2, 95)), T0.plusSeconds(10));
    }

    private Verdict incompleteWithRemediation() {
        Promotion p = new Promotion(8, UUID.randomUUID(), "lab", new Epoch(3, Fixtures.SYSTEM), promotion(8, 3).newPrimary(),
                null, promotion(8, 3).trigger(), T0.plusSeconds(100), T0.plusSeconds(100), null, List.of("pgb1", "pgb3"));
        AckRecord failed = new AckRecord(UUID.randomUUID(), p.firstEventId(), 8L, "lab", "pgb3", "agent-pgb3",
                AckStatus.FAILED, null, T0.plusSeconds(101), "pgbouncer admin console refused");
        return tracker.evaluate(p, List.of(good(8, "pgb1", 100_030, 3), failed), T0.plusSeconds(110));
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
        Verdict v = tracker.evaluate(promotion(9, 2, "pgb3"), List.of(), T0.plusSeconds(6));
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
    void jsonIsAStableDocumentWithEveryKeyPresent() throws Exception {
        String json = EventJson.mapper().writeValueAsString(StatusDocument.of(report(List.of(complete()))));
        JsonNode root = EventJson.mapper().readTree(json);
        assertThat(root.fieldNames()).toIterable().containsExactly("schemaVersion", "generatedAt", "cluster", "ok",
                "exitCode", "clusters", "promotions");
        assertThat(root.get("ok").asBoolean()).isTrue();
        JsonNode latest = root.get("clusters").get(0);
        assertThat(latest.get("latestPromotion").asLong()).isEqualTo(7);
        JsonNode incomplete = root.get("promotions").get(0);
        assertThat(incomplete.get("complete").asBoolean()).isFalse();
        assertThat(incomplete.get("durationMs").isNull()).isTrue();
        assertThat(incomplete.get("occurredAt").asText()).isEqualTo("2026-11-25T20:08:55Z");
        JsonNode pgb3 = incomplete.get("hosts").get(1);
        assertThat(pgb3.fieldNames()).toIterable().containsExactly("host", "state", "status", "timeline", "agentId",
                "ackedAfterMs", "remediated", "overdueSince", "error", "remediations");
        assertThat(pgb3.get("state").asText()).isEqualTo("OVERDUE");
        assertThat(pgb3.get("remediations").get(0).get("outcome").asText()).isEqualTo("HOST_KEY_REJECTED");
        JsonNode done = root.get("promotions").get(1);
        assertThat(done.get("durationMs").asLong()).isEqualTo(95);
        assertThat(done.get("hosts").get(0).get("ackedAfterMs").asLong()).isEqualTo(40);
        assertThat(done.get("epoch").get("timeline").asInt()).isEqualTo(2);
    }
}
