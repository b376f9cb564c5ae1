package org.pgfence.events.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.pgfence.events.PgfenceEvent;

/** The result of decoding one Kafka record: an event, a tombstone, or a poison record. */
public record Decoded(PgfenceEvent event, byte[] raw, RuntimeException error) {

    public static Decoded of(PgfenceEvent event) {
        return new Decoded(event, null, null);
    }

    public static Decoded tombstone() {
        return new Decoded(null, null, null);
    }

    public static Decoded poison(byte[] raw, RuntimeException error) {
        return new Decoded(null, raw, error);
    }

    public boolean isPoison() {
        return error != null;
    }

    public boolean isTombstone() {
        return event == null && error == null;
    }

    public <T extends PgfenceEvent> Optional<T> as(Class<T> type) {
        return type.isInstance(event) ? Optional.of(type.cast(event)) : Optional.empty();
    }

    /** The first bytes of a poison record, printable, for a log line. */
    public String rawPreview() {
        if (raw == null) {
            return "";
        }
        String text = new String(raw, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
