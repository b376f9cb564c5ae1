package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * When the agent received the trigger, how long discovery and apply took, and when the ack was made.
 * {@code eventOccurredAt} is copied from the event so that latency can be computed from the ack alone.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AckTimings(Instant eventOccurredAt, Instant receivedAt, long discoverMillis, long applyMillis,
                         Instant completedAt) {

    @JsonCreator
    public AckTimings(@JsonProperty("eventOccurredAt") Instant eventOccurredAt,
                      @JsonProperty("receivedAt") Instant receivedAt,
                      @JsonProperty("discoverMillis") long discoverMillis,
                      @JsonProperty("applyMillis") long applyMillis,
                      @JsonProperty("completedAt") Instant completedAt) {
        this.eventOccurredAt = eventOccurredAt;
        this.receivedAt = Fields.required("timings.receivedAt", receivedAt);
        this.discoverMillis = discoverMillis;
        this.applyMillis = applyMillis;
        this.completedAt = Fields.required("timings.completedAt", completedAt);
    }
}
