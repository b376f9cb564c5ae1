package org.pgfence.producer.repmgr;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * repmgr's {@code %t}, which comes in two shapes (lab facts §6): {@code 2026-11-25 20:07:15.149773+00}
 * (events stored in repmgr.events) and {@code 2026-11-25 20:07:13+0000} (events raised while no primary
 * answered). {@code T} instead of the space and {@code +HH:MM} offsets are accepted too.
 */
public final class RepmgrTimestamp {
    private static final Pattern SHAPE = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?)\\s*(?:(Z)|([+-]\\d{2})(?::?(\\d{2}))?)");

    private RepmgrTimestamp() {
    }

    /** The instant, or {@code null} if {@code text} has neither shape. */
    public static Instant parseOrNull(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = SHAPE.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        String offset = m.group(3) != null ? "Z" : m.group(4) + ":" + (m.group(5) == null ? "00" : m.group(5));
        try {
            return OffsetDateTime.parse(m.group(1) + "T" + m.group(2) + offset).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }
}
