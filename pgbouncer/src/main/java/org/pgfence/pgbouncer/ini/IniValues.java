package org.pgfence.pgbouncer.ini;

import java.util.Optional;

/**
 * The one gate every value passes before it reaches the database ini. A whitelist
 * ({@code A-Z a-z 0-9 _ . , : / @ + -}), so nothing pgbouncer's parser treats as syntax (newline, CR,
 * {@code ;}, {@code #}, {@code %}, {@code [}, {@code ]}, {@code =}, quotes, whitespace, backslash) can pass;
 * the message names the first offending character.
 */
public final class IniValues {
    private IniValues() {
    }

    /** Why {@code value} may not be written, or empty when it may. */
    public static Optional<String> problem(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of("is empty");
        }
        if (value.length() > 255) {
            return Optional.of("is longer than 255 characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!allowed(c)) {
                return Optional.of("contains " + describe(c) + " at position " + i);
            }
        }
        return Optional.empty();
    }

    /** Returns {@code value} or throws {@link UnsafeValueException} naming {@code subject} and {@code field}. */
    public static String require(String subject, String field, String value) {
        problem(value).ifPresent(p -> {
            throw new UnsafeValueException(subject, field, "'" + printable(value) + "' " + p);
        });
        return value;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == ',' || c == ':' || c == '/' || c == '@' || c == '+' || c == '-';
    }

    static String describe(char c) {
        return switch (c) {
            case '\n' -> "a newline";
            case '\r' -> "a carriage return";
            case ' ', '\t' -> "whitespace";
            case '\'', '"', '`' -> "a quote";
            default -> Character.isISOControl(c) ? String.format("control character U+%04X", (int) c)
                    : "'" + c + "'";
        };
    }

    /** {@code value} with control characters shown as {@code ?}, for messages. */
    public static String printable(String value) {
        return value == null ? "null" : value.replaceAll("\\p{Cntrl}", "?");
    }
}
