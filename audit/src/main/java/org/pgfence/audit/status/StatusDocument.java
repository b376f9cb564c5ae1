package org.pgfence.audit.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.pgfence.audit.store.RemediationRecord;
import org.pgfence.audit.tracking.AckRecord;
import org.pgfence.audit.tracking.HostProgress;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.audit.tracking.RoutingRecord;
import org.pgfence.audit.tracking.Verdict;
import org.pgfence.events.ClusterRouting;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.Epoch;
import org.pgfence.events.FormerPrimary;
import org.pgfence.events.NodeRef;

/**
 * The stable JSON form of a {@link StatusReport} ({@code --json}); the text form is rendered from it too.
 * Fields may be added, never renamed. Every key is always present (null when unknown).
 */
public record StatusDocument(int schemaVersion, Instant generatedAt, String cluster, boolean ok, int exitCode,
                             List<ClusterLine> clusters, List<PromotionLine> promotions,
                             List<MaintenanceLine> maintenance) {

    public static final int SCHEMA_VERSION = 1;

    /** {@code regressedHosts}: hosts of the latest promotion that no longer serve it now (complete or not). */
    public record ClusterLine(String cluster, long latestPromotion, int timeline, boolean complete,
                              List<String> regressedHosts) {
    }

    public record PromotionLine(long id, String cluster, Epoch epoch, NodeRef newPrimary, FormerPrimary formerPrimary,
                                String trigger, UUID firstEventId, Instant occurredAt, Instant firstSeenAt,
                                boolean complete, Instant completedAt, Long durationMs, List<String> expectedHosts,
                                List<HostLine> hosts) {
    }

    /**
     * {@code now}: what the host reported it routes (null when it never said: no agent, or one too old to say);
     * {@code agentRegistered}: an agent is registered for the cluster on the host; {@code heardFrom}: anything at all
     * (registration, ack or routing) was ever heard from it.
     */
    public record HostLine(String host, String state, String status, Integer timeline, String agentId,
                           Long ackedAfterMs, boolean remediated, Instant overdueSince, String error,
                           List<RemediationLine> remediations, NowLine now, boolean agentRegistered,
                           boolean heardFrom) {
    }

    /**
     * What a host reported it routes for the cluster: {@code serves} whether that serves the promotion (rw open at its
     * epoch or above); {@code status}, {@code at} and {@code reason} of the agent's last trigger; {@code epoch} the
     * epoch rw routes to (null when closed or unknown), {@code floor} the host's epoch floor; {@code reportedAt} the
     * heartbeat that said so; {@code olderThanAck} true when a good ack of the host is newer than this report (the ack
     * is then the newer word).
     */
    public record NowLine(boolean serves, String status, boolean fencedClosed, Epoch epoch, Epoch floor,
                          List<DatabaseTarget> targets, String reason, Instant at, Instant reportedAt,
                          boolean olderThanAck) {
    }

    /** A cluster an operator paused ({@code pgfence pause}): its agents change nothing until {@code pgfence resume}. */
    public record MaintenanceLine(String cluster, String reason, String operator, Instant since) {
    }

    public record RemediationLine(int attempt, String outcome, String error, Instant at) {
    }

    public static StatusDocument of(StatusReport report) {
        List<ClusterLine> clusters = report.latestPerCluster().stream()
                .map(v -> new ClusterLine(v.promotion().cluster(), v.promotion().id(),
                        v.promotion().epoch().timeline(), v.complete(), v.regressedHosts()))
                .toList();
        List<PromotionLine> promotions = report.promotions().stream().map(StatusDocument::promotionLine).toList();
        return new StatusDocument(SCHEMA_VERSION, report.generatedAt(), report.clusterFilter(),
                report.exitCode().code() == 0, report.exitCode().code(), clusters, promotions,
                report.maintenance().stream().map(m -> new MaintenanceLine(m.cluster(), m.reason(), m.operator(),
                        m.since())).toList());
    }

    static PromotionLine promotionLine(PromotionStatus s) {
        Verdict v = s.verdict();
        Promotion p = v.promotion();
        List<HostLine> hosts = new ArrayList<>();
        for (HostProgress h : v.hosts()) {
            hosts.add(host(h, s));
        }
        return new PromotionLine(p.id(), p.cluster(), p.epoch(), p.newPrimary(), p.formerPrimary(),
                p.trigger().wireName(), p.firstEventId(), p.occurredAt(), p.firstSeenAt(), v.complete(),
                v.completedAt(), v.duration() == null ? null : v.duration().toMillis(), p.expectedHosts(), hosts);
    }

    private static HostLine host(HostProgress h, PromotionStatus s) {
        AckRecord shown = h.goodAck() != null ? h.goodAck() : h.latestAck();
        List<RemediationLine> remediations = s.remediations().stream()
                .filter(r -> r.host().equals(h.host()))
                .map(StatusDocument::remediation)
                .toList();
        Duration after = h.ackedAfter();
        return new HostLine(h.host(), h.state().name(), shown == null ? null : shown.status().name(),
                shown == null || shown.epoch() == null ? null : shown.epoch().timeline(),
                shown == null ? null : shown.agentId(), after == null ? null : after.toMillis(), h.remediated(),
                s.overdueMarked().get(h.host()), shown == null || h.goodAck() != null ? null : shown.error(),
                remediations, now(h, s.verdict().promotion()), h.registered(), !h.neverHeardFrom());
    }

    private static NowLine now(HostProgress h, Promotion p) {
        RoutingRecord r = h.routing();
        if (r == null) {
            return null;
        }
        ClusterRouting c = r.routing();
        return new NowLine(c.serves(p.epoch()), c.status() == null ? null : c.status().name(), c.fencedClosed(),
                c.epoch(), c.floor(), c.targets(), c.reason(), c.at(), r.reportedAt(), h.routingOlderThanAck());
    }

    private static RemediationLine remediation(RemediationRecord r) {
        return new RemediationLine(r.attempt(), r.outcome(), r.error(), r.at());
    }
}
