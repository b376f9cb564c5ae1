package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * What one host routes for one cluster, as its agent last verified it: carried by heartbeats (the host's current
 * state, which an ack that once was good may no longer be) and printed by {@code pgfence render --json} and
 * {@code pgfence apply --json}.
 *
 * <p>{@code epoch} is the epoch the rw entries route to (null when closed); {@code floor} the host's epoch floor
 * (null when unknown); {@code fencedClosed} true when rw is closed because no node at or above the floor verifies;
 * {@code status} the outcome of the last trigger (null for a render); {@code reason} why, in words; {@code since} when
 * the host began routing exactly this (the first trigger that produced it; later triggers that found it unchanged keep
 * it), so a report at time R with {@code since} S says the host routed so all through [S, R] (null when unknown).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterRouting(String cluster, Epoch epoch, Epoch floor, boolean fencedClosed, AckStatus status,
                             Instant at, List<DatabaseTarget> targets, String reason, Instant since) {

    @JsonCreator
    public ClusterRouting(@JsonProperty("cluster") String cluster,
                          @JsonProperty("epoch") Epoch epoch,
                          @JsonProperty("floor") Epoch floor,
                          @JsonProperty("fencedClosed") boolean fencedClosed,
                          @JsonProperty("status") AckStatus status,
                          @JsonProperty("at") Instant at,
                          @JsonProperty("targets") List<DatabaseTarget> targets,
                          @JsonProperty("reason") String reason,
                          @JsonProperty("since") Instant since) {
        this.cluster = Fields.required("routing.cluster", cluster);
        this.epoch = epoch;
        this.floor = floor;
        this.fencedClosed = fencedClosed;
        this.status = status;
        this.at = at;
        this.targets = Fields.copy(targets);
        this.reason = reason;
        this.since = since;
    }

    /** A routing whose start is not known (a render, an agent before 0.2.0's routing-since). */
    public ClusterRouting(String cluster, Epoch epoch, Epoch floor, boolean fencedClosed, AckStatus status, Instant at,
                          List<DatabaseTarget> targets, String reason) {
        this(cluster, epoch, floor, fencedClosed, status, at, targets, reason, null);
    }

    /** This routing with its moments moved by {@code f} (the auditor puts them on the broker's clock). */
    public ClusterRouting retimed(java.util.function.UnaryOperator<Instant> f) {
        return new ClusterRouting(cluster, epoch, floor, fencedClosed, status, at == null ? null : f.apply(at), targets,
                reason, since == null ? null : f.apply(since));
    }

    /** Whether {@code other} routes the same: same epoch, fenced or not, targets, and both good or both not. */
    public boolean sameRoutingAs(ClusterRouting other) {
        return other != null && java.util.Objects.equals(epoch, other.epoch) && fencedClosed == other.fencedClosed
                && targets.equals(other.targets) && good() == other.good();
    }

    private boolean good() {
        return status == null || status.isGood();
    }

    /**
     * Whether this routing serves a promotion at {@code promoted}: rw open (not fenced, every rw entry routed), the
     * last trigger good (or none, for a render), at an epoch of the same system at or above it.
     */
    public boolean serves(Epoch promoted) {
        return !fencedClosed
                && (status == null || status.isGood())
                && epoch != null
                && epoch.systemIdentifier().equals(promoted.systemIdentifier())
                && epoch.timeline() >= promoted.timeline()
                && targets.stream().filter(t -> "rw".equals(t.role())).allMatch(t -> DatabaseTarget.ROUTED.equals(t.state()));
    }
}
