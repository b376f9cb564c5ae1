package org.pgfence.events;

import java.util.Collection;
import java.util.List;

/** Validation used by the record constructors; every failure names its field. */
final class Fields {
    private Fields() {
    }

    static <T> T required(String field, T value) {
        if (value == null) {
            throw new InvalidEventException(field, "is required");
        }
        if (value instanceof String s && s.isBlank()) {
            throw new InvalidEventException(field, "must not be blank");
        }
        return value;
    }

    static int positive(String field, int value) {
        if (value <= 0) {
            throw new InvalidEventException(field, "must be > 0, was " + value);
        }
        return value;
    }

    static int port(String field, int value) {
        if (value < 1 || value > 65535) {
            throw new InvalidEventException(field, "must be a TCP port (1..65535), was " + value);
        }
        return value;
    }

    static <T> List<T> copy(Collection<T> values) {
        return values == null ? List.of() : List.copyOf(values);
    }

    static void schema(int schemaVersion) {
        if (schemaVersion < 1) {
            throw new InvalidEventException("schemaVersion", "must be >= 1, was " + schemaVersion);
        }
    }
}
