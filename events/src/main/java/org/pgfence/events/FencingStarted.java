package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code fencing-started}: a promotion of {@code cluster} is about to run (DESIGN "Two-phase fencing"): agents PAUSE
 * its rw databases, so new queries queue in pgbouncer instead of failing, ack {@link AckStatus#PAUSED}, and hold the
 * pause until the {@link MasterPromoted} that moves them or until {@code pauseUntil}, whichever comes first.
 *
 * <p>It announces an intent, not an epoch: {@code epoch} is the primary's epoch when the promotion was started (an
 * agent whose floor is above it rejects the intent as stale), and it never raises the floor. Published on the
 * promotions topic under its own key ({@code Topics#fencingKey}), never replacing the cluster's latest promotion.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FencingStarted(
        int schemaVersion,
        UUID eventId,
        String cluster,
        Instant occurredAt,
        String sourceHost,
        Intent intent,
        NodeRef candidate,
        Epoch epoch,
        Instant pauseUntil) implements PgfenceEvent {

    public static final String TYPE = "fencing-started";
    public static final int SCHEMA_VERSION = 1;

    /** Why the cluster's primary is about to change. */
    public enum Intent {
        /** A planned {@code repmgr standby switchover} to {@code candidate}. */
        @JsonProperty("switchover")
        SWITCHOVER,
        /** {@code repmgr standby promote} of {@code candidate}, the primary being lost (repmgrd's promote_command). */
        @JsonProperty("promotion")
        PROMOTION
    }

    @JsonCreator
    public FencingStarted(
            @JsonProperty("schemaVersion") int schemaVersion,
            @JsonProperty("eventId") UUID eventId,
            @JsonProperty("cluster") String cluster,
            @JsonProperty("occurredAt") Instant occurredAt,
            @JsonProperty("sourceHost") String sourceHost,
            @JsonProperty("intent") Intent intent,
            @JsonProperty("candidate") NodeRef candidate,
            @JsonProperty("epoch") Epoch epoch,
            @JsonProperty("pauseUntil") Instant pauseUntil) {
        Fields.schema(schemaVersion);
        this.schemaVersion = schemaVersion;
        this.eventId = Fields.required("eventId", eventId);
        this.cluster = Fields.required("cluster", cluster);
        this.occurredAt = Fields.required("occurredAt", occurredAt);
        this.sourceHost = Fields.required("sourceHost", sourceHost);
        this.intent = Fields.required("intent", intent);
        this.candidate = Fields.required("candidate", candidate);
        this.epoch = Fields.required("epoch", epoch);
        this.pauseUntil = Fields.required("pauseUntil", pauseUntil);
        if (!pauseUntil.isAfter(occurredAt)) {
            throw new InvalidEventException("pauseUntil", "must be after occurredAt (" + occurredAt + "), was " + pauseUntil);
        }
    }

    /**
     * This intent again, its pause ending at {@code now} (just after {@code occurredAt} if {@code now} is not later):
     * an agent holding it resumes at once. How a sender aborts, or ends what it asked for.
     */
    public FencingStarted endedAt(Instant now) {
        return new FencingStarted(schemaVersion, eventId, cluster, occurredAt, sourceHost, intent, candidate, epoch,
                now.isAfter(occurredAt) ? now : occurredAt.plusMillis(1));
    }
}
