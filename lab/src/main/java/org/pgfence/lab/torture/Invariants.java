package org.pgfence.lab.torture;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.pgfence.lab.drill.Writers;

/**
 * The invariants of DESIGN rule 12 as pure checks over what the campaign observed; each returns the sentence that
 * names a violation, or nothing.
 */
final class Invariants {
    private Invariants() {
    }

    /**
     * I1: no write through any pgbouncer lands on a node whose timeline is below the highest timeline that existed
     * when the write began. {@code highestAt} says which timeline existed at an instant.
     */
    static Optional<String> i1(Writers.Write w, Function<Instant, Integer> highestAt) {
        int highest = highestAt.apply(w.began());
        if (w.timeline() < highest) {
            return Optional.of("I1: a write through " + w.host() + " begun at " + w.began() + " landed on "
                    + w.server() + " at timeline " + w.timeline() + ", below timeline " + highest
                    + " which existed when it began");
        }
        return Optional.empty();
    }

    /** A promotion the audit store records as complete: its new primary as host:port, and its expected hosts. */
    record Completion(long id, int timeline, Instant completedAt, String newPrimary, List<String> expectedHosts) {
    }

    /**
     * I2: a promotion the audit calls complete had, at that moment, every expected host routing rw to its new
     * primary. {@code targets} is each host's {@code appdb-rw} as its pgbouncer said right after the completion was
     * seen.
     */
    static List<String> i2(Completion c, Map<String, String> targets) {
        List<String> out = new ArrayList<>();
        for (String h : c.expectedHosts()) {
            String got = targets.getOrDefault(h, "not looked at");
            if (!got.equals(c.newPrimary())) {
                out.add("I2: promotion #" + c.id() + " (timeline " + c.timeline() + ") is COMPLETE since "
                        + c.completedAt() + " but " + h + " routes appdb-rw to " + got + ", not " + c.newPrimary());
            }
        }
        return out;
    }

    /**
     * I3 (the audit's half): after healing, every promotion is complete or names the hosts that keep it from
     * completing (overdue, or regressed: acked, then reported a routing that no longer serves it), none is left
     * silently incomplete.
     */
    static List<String> i3Audit(JsonNode status) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : status.path("promotions")) {
            boolean namesOverdue = false;
            for (JsonNode h : p.path("hosts")) {
                String state = h.path("state").asText();
                namesOverdue |= "OVERDUE".equals(state) || "REGRESSED".equals(state);
            }
            if (!p.path("complete").asBoolean() && !namesOverdue) {
                out.add("I3: promotion #" + p.path("id").asLong() + " (timeline " + p.path("epoch").path("timeline")
                        .asInt() + ") is neither complete nor names an overdue host");
            }
        }
        return out;
    }
}
