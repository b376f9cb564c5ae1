package org.pgfence.events.kafka;

import org.apache.kafka.common.serialization.Serializer;
import org.pgfence.events.EventJson;
import org.pgfence.events.PgfenceEvent;

/** Kafka value serializer for every pgfence record. */
public final class EventSerializer implements Serializer<PgfenceEvent> {
    @Override
    public byte[] serialize(String topic, PgfenceEvent data) {
        return data == null ? null : EventJson.toBytes(data);
    }
}
