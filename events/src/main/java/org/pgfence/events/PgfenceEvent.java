package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Every record pgfence puts on Kafka. The {@code type} property carries an explicit, frozen name
 * (never a class name); fields may be added in later schema versions, never renamed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MasterPromoted.class, name = MasterPromoted.TYPE),
    @JsonSubTypes.Type(value = FencingAck.class, name = FencingAck.TYPE),
    @JsonSubTypes.Type(value = AgentHeartbeat.class, name = AgentHeartbeat.TYPE),
    @JsonSubTypes.Type(value = MaintenanceMode.class, name = MaintenanceMode.TYPE),
    @JsonSubTypes.Type(value = FencingStarted.class, name = FencingStarted.TYPE),
})
public sealed interface PgfenceEvent permits MasterPromoted, FencingAck, AgentHeartbeat, MaintenanceMode,
        FencingStarted {
    int schemaVersion();
}
