package org.pgfence.audit.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Decides whether a promotion is complete and which hosts are overdue, from its expected hosts and the
 * acks stored for its cluster. Pure: the same inputs give the same verdict.
 *
 * <p>A host is done when it has any good ack (APPLIED or UNCHANGED) of the same system at an epoch
 * &gt;= the promotion's: the ack may answer this promotion, a duplicate event of it, a later promotion,
 * or be a reconcile ack. The first such ack (by completedAt) is the one that counts. A promotion with no
 * expected host is never complete: nobody was alive to fence it.
 */
public final class CompletionTracker {
    private static final Comparator<AckRecord> BY_COMPLETION = Comparator.comparing(AckRecord::completedAt);
    private final Duration deadline;

    public CompletionTracker(Duration deadline) {
        if (deadline == null || deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must be >= 0, was " + deadline);
        }
        this.deadline = deadline;
    }

    public Verdict evaluate(Promotion promotion, Collection<AckRecord> acks, Instant now) {
        boolean late = !now.isBefore(promotion.occurredAt().plus(deadline));
        List<HostProgress> hosts = new ArrayList<>();
        Instant last = null;
        for (String host : promotion.expectedHosts()) {
            HostProgress p = progress(promotion, host, acks, late);
            hosts.add(p);
            if (p.goodAck() != null && (last == null || p.goodAck().completedAt().isAfter(last))) {
                last = p.goodAck().completedAt();
            }
        }
        boolean complete = !hosts.isEmpty() && hosts.stream().allMatch(h -> h.state() == HostState.ACKED);
        Instant completedAt = complete ? last : null;
        Duration duration = complete ? nonNegative(Duration.between(promotion.occurredAt(), last)) : null;
        return new Verdict(promotion, complete, completedAt, duration, hosts);
    }

    private HostProgress progress(Promotion promotion, String host, Collection<AckRecord> acks, boolean late) {
        AckRecord good = null;
        AckRecord latest = null;
        for (AckRecord a : acks) {
            if (!a.host().equals(host) || !a.cluster().equals(promotion.cluster())) {
                continue;
            }
            if (a.satisfies(promotion.cluster(), promotion.epoch())
                    && (good == null || BY_COMPLETION.compare(a, good) < 0)) {
                good = a;
            }
            if (concerns(promotion, a) && (latest == null || BY_COMPLETION.compare(a, latest) > 0)) {
                latest = a;
            }
        }
        if (good != null) {
            Duration after = nonNegative(Duration.between(promotion.occurredAt(), good.completedAt()));
            return new HostProgress(host, HostState.ACKED, good, latest, after);
        }
        return new HostProgress(host, late ? HostState.OVERDUE : HostState.PENDING, null, latest, null);
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
