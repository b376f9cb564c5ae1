package org.pgfence.audit.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Decides whether a promotion is complete and which hosts are overdue or regressed, from its expected hosts, the
 * acks stored for its cluster and what the hosts reported since. Pure: the same inputs give the same verdict.
 *
 * <p>A host is done when it has any good ack (APPLIED or UNCHANGED) of the same system at an epoch &gt;= the
 * promotion's: the ack may answer this promotion, a duplicate event of it, a later promotion, or be a reconcile ack.
 * The first such ack (by completedAt) is the one that counts, unless the host reported a routing after its last good
 * ack that no longer serves the promotion: then it is REGRESSED (DESIGN rule 10: decided on what the host routes now,
 * not on an ack that was once true). A routing report older than the last good ack is superseded by it; a host that
 * never reports routing (an older agent) is judged on its acks alone. A promotion with no expected host is never
 * complete: nobody was alive to fence it. A promotion recorded complete stays complete (it was, at that moment); its
 * hosts still show what they route now.
 *
 * <p>COMPLETE at T is a claim about every host at T (the campaign's I2). An ack says the host routed right when it
 * acked, not that it still did when the last host acked: one cut off from the new primary a moment later is fenced
 * closed before the audit hears. So when every host is ACKED, T is the latest of their good acks and of the moments
 * since which the live ones route as they report ({@link ClusterRouting#since()}), and the promotion completes only
 * once every live host (a routing report within {@code heartbeatTtl}) has reported at or after T that it serves the
 * promotion, routing so since T or before. A host whose agent is silent longer than that is judged on its acks (its
 * pgbouncer keeps what it last routed), and so are one repaired over SSH after its last report (its agent is down)
 * and one that reports no routing (an older agent).
 */
public final class CompletionTracker {
    private static final Comparator<AckRecord> BY_COMPLETION = Comparator.comparing(AckRecord::completedAt);
    private final Duration deadline;
    private final Duration heartbeatTtl;

    public CompletionTracker(Duration deadline, Duration heartbeatTtl) {
        if (deadline == null || deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must be >= 0, was " + deadline);
        }
        if (heartbeatTtl == null || heartbeatTtl.isNegative() || heartbeatTtl.isZero()) {
            throw new IllegalArgumentException("heartbeatTtl must be > 0, was " + heartbeatTtl);
        }
        this.deadline = deadline;
        this.heartbeatTtl = heartbeatTtl;
    }

    public Verdict evaluate(Promotion promotion, Collection<AckRecord> acks, HostReports reports, Instant now) {
        boolean late = !now.isBefore(promotion.occurredAt().plus(deadline));
        List<HostProgress> hosts = new ArrayList<>();
        Instant last = null;
        for (String host : promotion.expectedHosts()) {
            HostProgress p = progress(promotion, host, acks, reports, late);
            hosts.add(p);
            if (p.goodAck() != null && (last == null || p.goodAck().completedAt().isAfter(last))) {
                last = p.goodAck().completedAt();
            }
        }
        boolean acked = !hosts.isEmpty() && hosts.stream().allMatch(h -> h.state() == HostState.ACKED);
        Instant at = acked ? confirmedAt(promotion, hosts, last, now) : null;
        boolean complete = promotion.isComplete() || at != null;
        Instant completedAt = promotion.isComplete() ? promotion.completedAt() : at;
        Duration duration = complete ? nonNegative(Duration.between(promotion.occurredAt(), completedAt)) : null;
        return new Verdict(promotion, complete, completedAt, duration, hosts);
    }

    private HostProgress progress(Promotion promotion, String host, Collection<AckRecord> acks, HostReports reports,
                                  boolean late) {
        AckRecord good = null;
        AckRecord lastGood = null;
        AckRecord latest = null;
        for (AckRecord a : acks) {
            if (!a.host().equals(host) || !a.cluster().equals(promotion.cluster())) {
                continue;
            }
            if (a.satisfies(promotion.cluster(), promotion.epoch())) {
                good = good == null || BY_COMPLETION.compare(a, good) < 0 ? a : good;
                lastGood = lastGood == null || BY_COMPLETION.compare(a, lastGood) > 0 ? a : lastGood;
            }
            if (concerns(promotion, a) && (latest == null || BY_COMPLETION.compare(a, latest) > 0)) {
                latest = a;
            }
        }
        RoutingRecord routing = reports.routingOf(host).orElse(null);
        boolean superseded = routing != null && lastGood != null && routing.asOf().isBefore(lastGood.completedAt());
        boolean registered = reports.registered(host);
        if (good != null) {
            Duration after = nonNegative(Duration.between(promotion.occurredAt(), good.completedAt()));
            boolean regressed = routing != null && !superseded && !routing.routing().serves(promotion.epoch());
            return new HostProgress(host, regressed ? HostState.REGRESSED : HostState.ACKED, good, latest, after,
                    routing, superseded, registered);
        }
        return new HostProgress(host, late ? HostState.OVERDUE : HostState.PENDING, null, latest, null, routing, false,
                registered);
    }

    /**
     * The moment every host routed the promotion, as the class comment says, or null while a live host has not yet
     * reported at or after it that it still does.
     */
    private Instant confirmedAt(Promotion promotion, List<HostProgress> hosts, Instant lastAck, Instant now) {
        Instant t = lastAck;
        List<RoutingRecord> live = new ArrayList<>();
        for (HostProgress h : hosts) {
            RoutingRecord r = h.routing();
            boolean repairedSince = h.goodAck() != null && h.goodAck().fromRemediation() && r != null
                    && r.reportedAt().isBefore(h.goodAck().completedAt()); // repaired over SSH: its agent is not running
            if (r != null && !repairedSince && !r.reportedAt().isBefore(now.minus(heartbeatTtl))) {
                live.add(r);
                if (r.routing().since() != null && r.routing().since().isAfter(t)) {
                    t = r.routing().since();
                }
            }
        }
        for (RoutingRecord r : live) {
            boolean since = r.routing().since() == null || !r.routing().since().isAfter(t);
            if (r.reportedAt().isBefore(t) || !since || !r.routing().serves(promotion.epoch())) {
                return null;
            }
        }
        return t;
    }

    /** An ack that answers this promotion, or that reports on the same system at or above its epoch. */
    private static boolean concerns(Promotion promotion, AckRecord a) {
        if (a.promotionId() != null) {
            return a.promotionId() == promotion.id();
        }
        if (a.completedAt().isBefore(promotion.occurredAt())) {
            return false;
        }
        return a.epoch() == null
                || a.epoch().systemIdentifier().equals(promotion.epoch().systemIdentifier())
                && a.epoch().timeline() >= promotion.epoch().timeline();
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    public Duration deadline() {
        return deadline;
    }
}
