package org.pgfence.lab.it.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.drill.Fencing;

/**
 * Agents whose wall clocks are ten minutes off (libfaketime; NTP broken on their hosts), far beyond the auditor's
 * heartbeatTtl of 30 s: node2's ahead, node3's behind. The audit must judge them as any other host: expected for
 * every promotion, acked after a real (not a skewed) time, overdue when silent. Fencing itself does not read the
 * wall clock (timers run on the monotonic clock), so every pgbouncer moves.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FaultClockIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SKEW = Duration.ofMinutes(10);
    private static Fencing fencing;

    @BeforeAll
    static void start(Lab lab) {
        fencing = FaultKit.fencing(lab, "clock", false).start(true, false);
        fencing.startAgent(lab.pgbouncer(1));
        fencing.startAgentSkewed(lab.pgbouncer(2), null, SKEW);
        fencing.startAgentSkewed(lab.pgbouncer(3), null, SKEW.negated());
        assertThat(FaultKit.awaitAgentsUp(fencing, lab.node(1))).as("agents up, routing to node1").isTrue();
    }

    @AfterAll
    static void stop() {
        if (fencing != null) {
            fencing.close();
        }
    }

    @Test
    @Order(1)
    void agentsWithSkewedClocksAreExpectedAndTheirAcksTimedByTheAuditNotByThem(Lab lab) throws Exception {
        lab.stopNode(1);
        LabNode primary = lab.awaitSinglePrimary(1, Duration.ofSeconds(60));
        assertThat(fencing.awaitRouted("appdb-rw", primary, FaultKit.FENCING)).as("every pgbouncer fenced").isTrue();
        JsonNode p = awaitPromotion(2, true);
        assertThat(p.get("hosts")).extracting(h -> h.get("host").asText() + " " + h.get("state").asText())
                .as(p.toString()).containsExactly("node1 ACKED", "node2 ACKED", "node3 ACKED");
        for (JsonNode h : p.get("hosts")) {
            assertThat(h.get("ackedAfterMs").asLong()).as(h.toString()).isBetween(1L, 60_000L);
        }
        assertThat(p.get("durationMs").asLong()).as(p.toString()).isBetween(1L, 60_000L);
    }

    @Test
    @Order(2)
    void aSilentAgentWhoseClockIsAheadIsOverdueNotForgotten(Lab lab) throws Exception {
        LabNode old = lab.currentPrimary().orElseThrow();
        fencing.stopAgent(lab.pgbouncer(2));
        lab.awaitRepmgrdWatching(old.id(), Duration.ofSeconds(60));
        lab.stopNode(old.id());
        lab.awaitSinglePrimary(old.id(), Duration.ofSeconds(60));
        JsonNode p = awaitPromotion(3, false);
        assertThat(p.get("hosts")).extracting(h -> h.get("host").asText()).as(p.toString()).contains("node2");
        assertThat(fencing.awaitTrue(Duration.ofSeconds(30), () -> {
            JsonNode now = promotion(3);
            return now != null && hostState(now, "node2").equals("OVERDUE");
        })).as("node2 overdue: " + promotion(3)).isTrue();

        fencing.startAgentSkewed(lab.pgbouncer(2), null, SKEW);
        assertThat(fencing.awaitTrue(Duration.ofSeconds(60), () -> {
            JsonNode now = promotion(3);
            return now != null && now.get("complete").asBoolean();
        })).as("complete once node2's agent is back: " + promotion(3)).isTrue();
    }

    private static JsonNode awaitPromotion(int timeline, boolean complete) {
        assertThat(fencing.awaitTrue(Duration.ofSeconds(60), () -> {
            JsonNode p = promotion(timeline);
            return p != null && (!complete || p.get("complete").asBoolean());
        })).as("promotion at timeline " + timeline + (complete ? " complete: " : ": ") + promotion(timeline)).isTrue();
        return promotion(timeline);
    }

    /** The promotion at {@code timeline} as {@code audit status --json} shows it, or null. */
    private static JsonNode promotion(int timeline) {
        try {
            Fencing.AuditStatus s = fencing.auditStatus("--cluster", FaultKit.CLUSTER, "--json");
            for (JsonNode p : JSON.readTree(s.out()).get("promotions")) {
                if (p.get("epoch").get("timeline").asInt() == timeline) {
                    return p;
                }
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String hostState(JsonNode p, String host) {
        for (JsonNode h : p.get("hosts")) {
            if (h.get("host").asText().equals(host)) {
                return h.get("state").asText();
            }
        }
        return "absent";
    }

    static List<String> hosts(JsonNode p) {
        return p.get("hosts").findValuesAsText("host");
    }
}
