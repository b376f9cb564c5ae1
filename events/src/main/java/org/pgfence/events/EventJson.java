package org.pgfence.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * The one JSON form of pgfence events. Unknown fields are ignored (a newer producer may add fields);
 * a record that cannot be read raises {@link InvalidEventException} naming the field.
 */
public final class EventJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private EventJson() {
    }

    /** The shared mapper, for callers that render pgfence records (status endpoints, stores). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] toBytes(PgfenceEvent event) {
        try {
            return MAPPER.writerFor(PgfenceEvent.class).writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + event.getClass().getSimpleName(), e);
        }
    }

    public static String toJson(PgfenceEvent event) {
        return new String(toBytes(event), StandardCharsets.UTF_8);
    }

    public static PgfenceEvent fromBytes(byte[] json) {
        if (json == null || json.length == 0) {
            throw new InvalidEventException(null, "empty record");
        }
        try {
            return MAPPER.readValue(json, PgfenceEvent.class);
        } catch (InvalidTypeIdException e) {
            throw new InvalidEventException("type", "unknown or missing event type '" + e.getTypeId() + "'", e);
        } catch (JsonMappingException e) {
            throw translate(e);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(null, "not JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new InvalidEventException(null, "unreadable: " + e.getMessage(), e);
        }
    }

    public static PgfenceEvent fromJson(String json) {
        return fromBytes(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a record that must be of {@code type}; anything else is an {@link InvalidEventException}. */
    public static <T extends PgfenceEvent> T fromBytes(byte[] json, Class<T> type) {
        PgfenceEvent event = fromBytes(json);
        if (!type.isInstance(event)) {
            throw new InvalidEventException("type", "expected " + type.getSimpleName() + " but was "
                    + event.getClass().getSimpleName());
        }
        return type.cast(event);
    }

    private static InvalidEventException translate(JsonMappingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidEventException invalid) {
                return new InvalidEventException(invalid.field(), stripField(invalid), e);
            }
        }
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return new InvalidEventException(path.isEmpty() ? null : path, e.getOriginalMessage(), e);
    }

    private static String stripField(InvalidEventException e) {
        String message = e.getMessage();
        String prefix = "field '" + e.field() + "': ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
