package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code maintenance-mode}: an operator put {@code cluster} in maintenance ({@code paused}, with a {@code reason}) or
 * took it out (DESIGN rule 11, {@code pgfence pause} / {@code pgfence resume}). While paused, agents keep observing,
 * deciding, acking and reporting, but change nothing on their pgbouncer; on resume they reconcile at once.
 *
 * <p>Published on the promotions topic under its own key ({@code Topics#maintenanceKey}), so compaction keeps the
 * latest state per cluster next to, never instead of, the latest promotion. Unlike {@link MasterPromoted} it
 * announces no epoch: it never raises or lowers the floor.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MaintenanceMode(
        int schemaVersion,
        UUID eventId,
        String cluster,
        Instant occurredAt,
        String sourceHost,
        String operator,
        boolean paused,
        String reason) implements PgfenceEvent {

    public static final String TYPE = "maintenance-mode";
    public static final int SCHEMA_VERSION = 1;

    @JsonCreator
    public MaintenanceMode(
            @JsonProperty("schemaVersion") int schemaVersion,
            @JsonProperty("eventId") UUID eventId,
            @JsonProperty("cluster") String cluster,
            @JsonProperty("occurredAt") Instant occurredAt,
            @JsonProperty("sourceHost") String sourceHost,
            @JsonProperty("operator") String operator,
            @JsonProperty("paused") boolean paused,
            @JsonProperty("reason") String reason) {
        Fields.schema(schemaVersion);
        this.schemaVersion = schemaVersion;
        this.eventId = Fields.required("eventId", eventId);
        this.cluster = Fields.required("cluster", cluster);
        this.occurredAt = Fields.required("occurredAt", occurredAt);
        this.sourceHost = Fields.required("sourceHost", sourceHost);
        this.operator = Fields.required("operator", operator);
        this.paused = paused;
        this.reason = paused ? Fields.required("reason", reason) : reason;
    }
}
