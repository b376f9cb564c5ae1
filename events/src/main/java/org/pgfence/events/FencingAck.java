package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.UUID;

/**
 * {@code fencing-ack}: what one pgbouncer host did about one trigger of one cluster.
 *
 * <p>{@code eventId} is the {@code master-promoted} event answered, or null for a reconcile
 * (start, timer) or a remediation. {@code agentId} is {@code "audit"} for an SSH remediation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FencingAck(
        int schemaVersion,
        UUID ackId,
        UUID eventId,
        String cluster,
        String host,
        String agentId,
        AckStatus status,
        Epoch epoch,
        List<DatabaseTarget> targets,
        String configSha256,
        AckTimings timings,
        String error) implements PgfenceEvent {

    public static final String TYPE = "fencing-ack";
    public static final int SCHEMA_VERSION = 1;

    @JsonCreator
    public FencingAck(
            @JsonProperty("schemaVersion") int schemaVersion,
            @JsonProperty("ackId") UUID ackId,
            @JsonProperty("eventId") UUID eventId,
            @JsonProperty("cluster") String cluster,
            @JsonProperty("host") String host,
            @JsonProperty("agentId") String agentId,
            @JsonProperty("status") AckStatus status,
            @JsonProperty("epoch") Epoch epoch,
            @JsonProperty("targets") List<DatabaseTarget> targets,
            @JsonProperty("configSha256") String configSha256,
            @JsonProperty("timings") AckTimings timings,
            @JsonProperty("error") String error) {
        Fields.schema(schemaVersion);
        this.schemaVersion = schemaVersion;
        this.ackId = Fields.required("ackId", ackId);
        this.eventId = eventId;
        this.cluster = Fields.required("cluster", cluster);
        this.host = Fields.required("host", host);
        this.agentId = Fields.required("agentId", agentId);
        this.status = Fields.required("status", status);
        this.epoch = epoch;
        this.targets = Fields.copy(targets);
        this.configSha256 = configSha256;
        this.timings = Fields.required("timings", timings);
        this.error = error;
    }
}
