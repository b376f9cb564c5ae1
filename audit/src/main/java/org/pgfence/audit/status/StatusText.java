package org.pgfence.audit.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.pgfence.audit.status.StatusDocument.ClusterLine;
import org.pgfence.audit.status.StatusDocument.HostLine;
import org.pgfence.audit.status.StatusDocument.NowLine;
import org.pgfence.audit.status.StatusDocument.PromotionLine;
import org.pgfence.audit.status.StatusDocument.RemediationLine;
import org.pgfence.events.AckStatus;

/** The human form of {@code pgfence audit status}: one block per promotion, one line per host, a verdict. */
public final class StatusText {
    private StatusText() {
    }

    public static String render(StatusDocument d) {
        StringBuilder out = new StringBuilder();
        for (StatusDocument.MaintenanceLine m : d.maintenance()) {
            out.append("cluster ").append(m.cluster()).append(" IN MAINTENANCE since ").append(m.since()).append(" (")
                    .append(m.operator()).append(": ").append(m.reason())
                    .append("): its agents change nothing and its promotions are not fenced until 'pgfence resume'\n");
        }
        if (d.promotions().isEmpty()) {
            out.append("No promotion recorded").append(d.cluster() == null ? "" : " for cluster " + d.cluster())
                    .append(".\n");
        }
        for (PromotionLine p : d.promotions()) {
            promotion(out, p, d.generatedAt());
        }
        for (ClusterLine c : d.clusters()) {
            out.append("cluster ").append(c.cluster()).append(": latest promotion #").append(c.latestPromotion())
                    .append(" (timeline ").append(c.timeline()).append(") is ")
                    .append(c.complete() ? "COMPLETE" : "INCOMPLETE")
                    .append(c.regressedHosts().isEmpty() ? ""
                            : "; REGRESSED now: " + String.join(", ", c.regressedHosts()))
                    .append('\n');
        }
        out.append(d.ok() ? "OK" : "NOT OK").append(" (exit ").append(d.exitCode()).append(")\n");
        return out.toString();
    }

    private static void promotion(StringBuilder out, PromotionLine p, Instant generatedAt) {
        out.append("promotion #").append(p.id()).append(" cluster ").append(p.cluster())
                .append(" timeline ").append(p.epoch().timeline()).append(" (system ")
                .append(p.epoch().systemIdentifier()).append(")\n");
        out.append("  new primary ").append(p.newPrimary());
        if (p.formerPrimary() != null) {
            out.append(", former ").append(p.formerPrimary().name()).append('(').append(p.formerPrimary().nodeId())
                    .append(')');
        }
        out.append(", trigger ").append(p.trigger()).append('\n');
        out.append("  occurred ").append(p.occurredAt()).append("  ");
        if (p.complete()) {
            out.append("COMPLETE in ").append(p.durationMs()).append(" ms (at ").append(p.completedAt()).append(")\n");
        } else {
            out.append("INCOMPLETE").append(p.hosts().isEmpty()
                    ? " (no expected host: no agent of this cluster registered, none in its inventory)"
                    : p.hosts().stream().allMatch(h -> "ACKED".equals(h.state()))
                    ? " (every host acked; awaiting each live host's next report that it still serves)" : "")
                    .append('\n');
        }
        for (HostLine h : p.hosts()) {
            host(out, h, generatedAt);
        }
    }

    private static void host(StringBuilder out, HostLine h, Instant generatedAt) {
        List<String> parts = new ArrayList<>();
        if (h.status() != null) {
            parts.add(h.status() + " at timeline " + (h.timeline() == null ? "?" : h.timeline().toString()));
        }
        if (h.ackedAfterMs() != null) {
            parts.add("acked after " + h.ackedAfterMs() + " ms");
        }
        if (h.remediated()) {
            parts.add("remediated over SSH");
        }
        if (h.overdueSince() != null) {
            parts.add("overdue since " + h.overdueSince());
        }
        if (h.error() != null) {
            parts.add("error: " + h.error());
        }
        if (!h.remediations().isEmpty()) {
            parts.add("remediation: " + h.remediations().stream().map(StatusText::attempt)
                    .collect(Collectors.joining("; ")));
        }
        if (h.now() != null) {
            parts.add(now(h.now(), generatedAt));
        } else if (!h.agentRegistered()) {
            parts.add(h.heardFrom() ? "no agent registered now" : "no agent ever registered");
        }
        String line = String.format("    %-16s %-8s %s", h.host(), h.state(), String.join(", ", parts));
        out.append(line.stripTrailing()).append('\n');
    }

    /**
     * What the host reported it routes: {@code now routes appdb-rw -> node2(2)@10.0.0.2:5432 at timeline 2 (reported
     * 3 s ago)}, {@code now FENCED CLOSED: <reason> (...)} or {@code now FAILED: <reason> (...)}.
     */
    static String now(NowLine n, Instant generatedAt) {
        long ago = Math.max(0, Duration.between(n.reportedAt(), generatedAt).toSeconds());
        String when = " (reported " + ago + " s ago" + (n.olderThanAck() ? ", before its last good ack" : "") + ")";
        String reason = n.reason() == null ? "no reason given" : n.reason().replace('\n', ' ');
        if (n.fencedClosed()) {
            return "now FENCED CLOSED: " + reason + when;
        }
        if (n.status() != null && !AckStatus.valueOf(n.status()).isGood()) {
            return "now " + n.status() + ": " + reason + when;
        }
        List<String> rw = n.targets().stream().filter(t -> "rw".equals(t.role()))
                .map(t -> t.database() + (t.node() == null ? " " + t.state() : " -> " + t.node())).toList();
        return "now routes " + (rw.isEmpty() ? "no rw database" : String.join(", ", rw)) + " at timeline "
                + (n.epoch() == null ? "?" : Integer.toString(n.epoch().timeline())) + when;
    }

    private static String attempt(RemediationLine r) {
        return "#" + r.attempt() + " " + r.outcome() + (r.error() == null ? "" : " (" + r.error() + ")");
    }
}
