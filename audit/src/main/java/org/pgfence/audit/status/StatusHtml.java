package org.pgfence.audit.status;

import java.time.Duration;
import java.time.Instant;
import org.pgfence.audit.status.StatusDocument.HostLine;
import org.pgfence.audit.status.StatusDocument.PromotionLine;
import org.pgfence.audit.store.AckTimes;
import org.pgfence.audit.store.Hold;

/**
 * The auditor's pages: an index of recent promotions, and per promotion a timeline of every expected host — occurred
 * (t = 0, the producer's clock), announced (the auditor received the event), and per host received → applied (the
 * agent's clock) → recorded (the auditor's clock) — overdue hosts in red, SSH repairs marked, and what each host routes
 * now. Plain server-side HTML with inline SVG: no script, no external resource.
 */
public final class StatusHtml {
    private static final int WIDTH = 720;
    private static final int LABEL = 120;
    private static final int ROW = 28;

    private StatusHtml() {
    }

    public static String index(StatusDocument d) {
        StringBuilder out = head("pgfence promotions");
        out.append("<h1>pgfence promotions</h1>\n<p class=\"meta\">generated ").append(esc(d.generatedAt()))
                .append(" &middot; <span class=\"").append(d.ok() ? "ok\">OK" : "bad\">NOT OK").append("</span></p>\n");
        for (StatusDocument.MaintenanceLine m : d.maintenance()) {
            out.append("<p class=\"bad\">cluster ").append(esc(m.cluster())).append(" in maintenance since ")
                    .append(esc(m.since())).append(" (").append(esc(m.operator())).append(": ").append(esc(m.reason()))
                    .append("): its promotions are not fenced</p>\n");
        }
        out.append("<table id=\"promotions\">\n<tr><th>#</th><th>cluster</th><th>timeline</th><th>new primary</th>"
                + "<th>occurred</th><th>state</th><th>hosts</th></tr>\n");
        for (PromotionLine p : d.promotions()) {
            long acked = p.hosts().stream().filter(h -> "ACKED".equals(h.state())).count();
            out.append("<tr class=\"promotion\"><td><a href=\"/promotions/").append(p.id()).append("\">#").append(p.id())
                    .append("</a></td><td>").append(esc(p.cluster())).append("</td><td>").append(p.epoch().timeline())
                    .append("</td><td>").append(esc(p.newPrimary().name())).append("</td><td>").append(esc(p.occurredAt()))
                    .append("</td><td class=\"").append(p.complete() ? "ok\">complete in " + p.durationMs() + " ms"
                            : "bad\">incomplete").append("</td><td>").append(acked).append(" / ").append(p.hosts().size())
                    .append(" acked</td></tr>\n");
        }
        return out.append("</table>\n</body></html>\n").toString();
    }

    public static String promotion(PromotionPage page) {
        PromotionLine p = page.promotion();
        StringBuilder out = head("pgfence promotion #" + p.id());
        out.append("<p><a href=\"/promotions\">all promotions</a></p>\n<h1>Promotion #").append(p.id()).append(": ")
                .append(esc(p.cluster())).append(", timeline ").append(p.epoch().timeline()).append("</h1>\n")
                .append("<p class=\"meta\">new primary ").append(esc(p.newPrimary().name())).append(" (")
                .append(esc(p.newPrimary().host())).append(':').append(p.newPrimary().port()).append(')')
                .append(p.formerPrimary() == null ? "" : ", former " + esc(p.formerPrimary().name()))
                .append(", trigger ").append(esc(p.trigger())).append(", occurred ").append(esc(p.occurredAt()))
                .append(" &middot; <span id=\"verdict\" class=\"").append(p.complete()
                        ? "ok\">COMPLETE in " + p.durationMs() + " ms" : "bad\">INCOMPLETE").append("</span></p>\n");
        Hold hold = page.hold();
        if (hold != null) {
            out.append("<p id=\"hold\" class=\"meta\">two-phase fencing: fencing-started by ").append(esc(hold.sourceHost()))
                    .append(" (").append(esc(hold.intent().toLowerCase(java.util.Locale.ROOT))).append(" to ")
                    .append(esc(hold.candidate())).append(") ").append(offset(p.occurredAt(), hold.occurredAt()))
                    .append(", holding until ").append(offset(p.occurredAt(), hold.pauseUntil())).append("; ")
                    .append(hold.pausedAt().size()).append(" of ").append(p.hosts().size())
                    .append(" hosts acked PAUSED</p>\n");
        }
        timeline(out, page);
        out.append("<table id=\"hosts\">\n<tr><th>host</th><th>state</th>").append(hold == null ? "" : "<th>paused</th>")
                .append("<th>received</th><th>applied</th><th>recorded</th><th>repair</th><th>now</th></tr>\n");
        for (HostLine h : p.hosts()) {
            AckTimes t = page.times().get(h.host());
            out.append("<tr class=\"host ").append(h.state().toLowerCase(java.util.Locale.ROOT)).append("\" data-host=\"")
                    .append(esc(h.host())).append("\"><td>").append(esc(h.host())).append("</td><td>")
                    .append(esc(h.state())).append(h.overdueSince() == null ? "" : " (overdue since "
                            + esc(h.overdueSince()) + ")").append("</td><td>")
                    .append(hold == null ? "" : offset(p.occurredAt(), hold.pausedAt().get(h.host())) + "</td><td>")
                    .append(t == null ? "" : offset(p.occurredAt(), t.receivedAt())).append("</td><td>")
                    .append(t == null ? "" : offset(p.occurredAt(), t.completedAt())).append("</td><td>")
                    .append(t == null ? "" : offset(p.occurredAt(), t.recordedAt())
                            + (t.status() == null || org.pgfence.events.AckStatus.valueOf(t.status()).isGood() ? ""
                                    : " " + esc(t.status())))
                    .append("</td><td>")
                    .append(h.remediations().isEmpty() ? (h.remediated() ? "repaired over SSH" : "")
                            : esc(String.join("; ", h.remediations().stream()
                            .map(r -> "SSH #" + r.attempt() + " " + r.outcome()).toList()))).append("</td><td>")
                    .append(h.now() == null ? (h.agentRegistered() ? "" : "no agent registered")
                            : esc(StatusText.now(h.now(), page.generatedAt()))).append("</td></tr>\n");
        }
        return out.append("</table>\n<p class=\"meta\">paused, received and applied: the agent's clock; recorded: the"
                + " auditor's; all relative to the promotion's occurrence (the producer's clock).</p>\n</body></html>\n")
                .toString();
    }

    /** One row per host: a bar from t = 0 to the ack recorded (green) or to now (grey pending, red overdue). */
    private static void timeline(StringBuilder out, PromotionPage page) {
        PromotionLine p = page.promotion();
        Instant end = page.generatedAt();
        if (p.complete() && p.completedAt() != null) {
            end = p.completedAt();
            for (AckTimes t : page.times().values()) {
                end = latest(end, t.recordedAt());
            }
        }
        double span = Math.max(1, Duration.between(p.occurredAt(), end).toMillis() * 1.1);
        int height = ROW * (p.hosts().size() + 1) + 10;
        out.append("<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH + LABEL + 20)
                .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"fencing timeline\">\n");
        out.append("<text x=\"").append(LABEL).append("\" y=\"14\" class=\"axis\">0 ms (occurred)</text>")
                .append("<text x=\"").append(LABEL + WIDTH).append("\" y=\"14\" class=\"axis\" text-anchor=\"end\">")
                .append(Math.round(span)).append(" ms</text>\n");
        if (page.announcedAt() != null) {
            double x = x(p.occurredAt(), page.announcedAt(), span);
            out.append("<line class=\"announced\" x1=\"").append(x).append("\" x2=\"").append(x)
                    .append("\" y1=\"18\" y2=\"").append(height).append("\"><title>announced to the auditor ")
                    .append(offset(p.occurredAt(), page.announcedAt())).append("</title></line>\n");
        }
        int y = ROW;
        for (HostLine h : p.hosts()) {
            AckTimes t = page.times().get(h.host());
            String state = h.state().toLowerCase(java.util.Locale.ROOT);
            Instant barEnd = "acked".equals(state) && t != null && t.recordedAt() != null ? t.recordedAt()
                    : page.generatedAt();
            double w = Math.max(2, x(p.occurredAt(), barEnd, span) - LABEL);
            out.append("<g class=\"row ").append(state).append("\"><text x=\"4\" y=\"").append(y + 15).append("\">")
                    .append(esc(h.host())).append("</text><rect x=\"").append(LABEL).append("\" y=\"").append(y + 4)
                    .append("\" width=\"").append(Math.min(w, WIDTH)).append("\" height=\"16\"><title>")
                    .append(esc(h.host())).append(' ').append(esc(h.state())).append("</title></rect>");
            if (t != null) {
                marker(out, "received", p.occurredAt(), t.receivedAt(), span, y);
                marker(out, "applied", p.occurredAt(), t.completedAt(), span, y);
                marker(out, "recorded", p.occurredAt(), t.recordedAt(), span, y);
            }
            if (h.remediated() || !h.remediations().isEmpty()) {
                out.append("<text class=\"repair\" x=\"").append(LABEL + Math.min(w, WIDTH) + 4).append("\" y=\"")
                        .append(y + 16).append("\">SSH</text>");
            }
            out.append("</g>\n");
            y += ROW;
        }
        out.append("</svg>\n");
    }

    private static void marker(StringBuilder out, String what, Instant zero, Instant at, double span, int y) {
        if (at != null) {
            out.append("<circle class=\"").append(what).append("\" cx=\"").append(x(zero, at, span)).append("\" cy=\"")
                    .append(y + 12).append("\" r=\"4\"><title>").append(what).append(' ').append(offset(zero, at))
                    .append("</title></circle>");
        }
    }

    private static double x(Instant zero, Instant at, double span) {
        double ms = Math.max(0, Duration.between(zero, at).toMillis());
        return LABEL + Math.round(Math.min(ms, span) / span * WIDTH * 10) / 10.0;
    }

    private static String offset(Instant zero, Instant at) {
        return at == null ? "" : String.format("%+d ms", Duration.between(zero, at).toMillis());
    }

    private static Instant latest(Instant a, Instant b) {
        return b != null && b.isAfter(a) ? b : a;
    }

    private static StringBuilder head(String title) {
        return new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title)).append("</title>\n<style>"
                        + "body{font:14px sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin-top:1em}"
                        + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}.meta{color:#555}"
                        + ".ok{color:#1a7f37;font-weight:bold}.bad{color:#c62828;font-weight:bold}"
                        + "tr.overdue,tr.regressed{background:#fde7e7}svg{border:1px solid #ddd;margin-top:1em}"
                        + "g.acked rect{fill:#7cc48a}g.pending rect{fill:#bbb}g.overdue rect,g.regressed rect{fill:#e57373}"
                        + "circle.received{fill:#1565c0}circle.applied{fill:#f9a825}circle.recorded{fill:#222}"
                        + "line.announced{stroke:#1565c0;stroke-dasharray:4 3}.axis{font-size:11px;fill:#555}"
                        + ".repair{font-size:11px;fill:#6a1b9a;font-weight:bold}</style></head><body>\n");
    }

    static String esc(Object o) {
        if (o == null) {
            return "";
        }
        String s = o.toString();
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
