package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code master-promoted}: a node of {@code cluster} became primary at {@code epoch}.
 *
 * <p>An event is a trigger, not an instruction: agents re-verify the cluster before routing.
 * One promotion may be announced twice (by {@code pgfence promote} and by {@code pgfence notify});
 * both events carry the same {@link #promotionKey()}, by which consumers deduplicate.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MasterPromoted(
        int schemaVersion,
        UUID eventId,
        String cluster,
        Instant occurredAt,
        String sourceHost,
        Trigger trigger,
        String repmgrEvent,
        NodeRef newPrimary,
        FormerPrimary formerPrimary,
        Epoch epoch) implements PgfenceEvent {

    public static final String TYPE = "master-promoted";
    public static final int SCHEMA_VERSION = 1;

    @JsonCreator
    public MasterPromoted(
            @JsonProperty("schemaVersion") int schemaVersion,
            @JsonProperty("eventId") UUID eventId,
            @JsonProperty("cluster") String cluster,
            @JsonProperty("occurredAt") Instant occurredAt,
            @JsonProperty("sourceHost") String sourceHost,
            @JsonProperty("trigger") Trigger trigger,
            @JsonProperty("repmgrEvent") String repmgrEvent,
            @JsonProperty("newPrimary") NodeRef newPrimary,
            @JsonProperty("formerPrimary") FormerPrimary formerPrimary,
            @JsonProperty("epoch") Epoch epoch) {
        Fields.schema(schemaVersion);
        this.schemaVersion = schemaVersion;
        this.eventId = Fields.required("eventId", eventId);
        this.cluster = Fields.required("cluster", cluster);
        this.occurredAt = Fields.required("occurredAt", occurredAt);
        this.sourceHost = Fields.required("sourceHost", sourceHost);
        this.trigger = Fields.required("trigger", trigger);
        this.repmgrEvent = repmgrEvent;
        this.newPrimary = Fields.required("newPrimary", newPrimary);
        this.formerPrimary = formerPrimary;
        this.epoch = Fields.required("epoch", epoch);
    }

    /** (cluster, epoch): the identity of the promotion, shared by duplicate announcements of it. */
    @JsonIgnore
    public String promotionKey() {
        return cluster + "/" + epoch.systemIdentifier() + "/" + epoch.timeline();
    }
}
