package org.pgfence.lab.torture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pgfence.lab.drill.Writers;

class InvariantsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T2 = Instant.parse("2026-12-02T20:00:00Z");

    /** Timeline 1 from the start, timeline 2 from T2. */
    private static int highestAt(Instant at) {
        return at.isBefore(T2) ? 1 : 2;
    }

    @Test
    void aWriteBegunAfterANewerTimelineExistedMustNotLandBelowIt() {
        Writers.Write stale = new Writers.Write("pgb1", T2.plusMillis(5), 1, "127.0.0.11");
        assertThat(Invariants.i1(stale, InvariantsTest::highestAt)).get().asString()
                .contains("I1").contains("pgb1").contains("127.0.0.11 at timeline 1, below timeline 2");
    }

    @Test
    void aWriteBegunBeforeThePromotionOrLandingOnTheNewTimelineIsFine() {
        assertThat(Invariants.i1(new Writers.Write("pgb1", T2.minusMillis(1), 1, "127.0.0.11"),
                InvariantsTest::highestAt)).isEmpty();
        assertThat(Invariants.i1(new Writers.Write("pgb1", T2.plusSeconds(1), 2, "127.0.0.12"),
                InvariantsTest::highestAt)).isEmpty();
    }

    private static JsonNode promotion(boolean complete) throws Exception {
        return JSON.readTree("""
                {"id": 7, "epoch": {"timeline": 2, "systemIdentifier": "73"}, "complete": %s,
                 "completedAt": "2026-12-02T20:00:01Z", "newPrimary": {"nodeId": 2, "name": "node2",
                 "host": "127.0.0.12", "port": 5432}, "expectedHosts": ["pgb1", "pgb2"],
                 "hosts": [{"host": "pgb1", "state": "ACKED"}, {"host": "pgb2", "state": "%s"}]}
                """.formatted(complete, complete ? "ACKED" : "OVERDUE"));
    }

    @Test
    void aCompletePromotionWithAHostRoutingElsewhereIsAnI2Violation() {
        Invariants.Completion c = new Invariants.Completion(7, 2, T2.plusSeconds(1), "127.0.0.12:5432",
                java.util.List.of("pgb1", "pgb2"));
        assertThat(Invariants.i2(c, Map.of("pgb1", "127.0.0.12:5432", "pgb2", "127.0.0.11:5432")))
                .singleElement().asString().contains("promotion #7").contains("pgb2 routes appdb-rw to 127.0.0.11:5432");
        assertThat(Invariants.i2(c, Map.of("pgb1", "127.0.0.12:5432", "pgb2", "127.0.0.12:5432"))).isEmpty();
        assertThat(Invariants.i2(c, Map.of("pgb1", "127.0.0.12:5432"))).as("a host not looked at is not routed")
                .singleElement().asString().contains("pgb2 routes appdb-rw to not looked at");
    }

    @Test
    void anIncompletePromotionMustNameItsOverdueHosts() throws Exception {
        JsonNode named = JSON.createObjectNode().set("promotions", JSON.createArrayNode().add(promotion(false)));
        assertThat(Invariants.i3Audit(named)).isEmpty();
        JsonNode silent = JSON.readTree("{\"promotions\": [{\"id\": 8, \"epoch\": {\"timeline\": 3},"
                + " \"complete\": false, \"hosts\": [{\"host\": \"pgb1\", \"state\": \"PENDING\"}]}]}");
        assertThat(Invariants.i3Audit(silent)).singleElement().asString().contains("promotion #8")
                .contains("neither complete nor names an overdue host");
        JsonNode regressed = JSON.readTree("{\"promotions\": [{\"id\": 9, \"epoch\": {\"timeline\": 3},"
                + " \"complete\": false, \"hosts\": [{\"host\": \"pgb1\", \"state\": \"REGRESSED\"}]}]}");
        assertThat(Invariants.i3Audit(regressed)).as("a regressed host is named too").isEmpty();
    }
}
