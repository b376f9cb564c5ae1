package org.pgfence.events.kafka;

import org.apache.kafka.common.serialization.Deserializer;
import org.pgfence.events.EventJson;
import org.pgfence.events.PgfenceEvent;

/**
 * Kafka value deserializer. It never throws from inside {@code poll()} (a throwing deserializer would
 * wedge the consumer on a poison record): it yields a {@link Decoded} that carries either the event
 * or the {@link org.pgfence.events.InvalidEventException} and the raw bytes.
 */
public final class EventDeserializer implements Deserializer<Decoded> {
    @Override
    public Decoded deserialize(String topic, byte[] data) {
        if (data == null) {
            return Decoded.tombstone();
        }
        try {
            PgfenceEvent event = EventJson.fromBytes(data);
            return Decoded.of(event);
        } catch (RuntimeException e) {
            return Decoded.poison(data, e);
        }
    }
}
