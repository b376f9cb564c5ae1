package org.pgfence.pgbouncer.ini;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Collectors;

/** Comparing and hashing ini text. */
public final class IniText {
    private IniText() {
    }

    /**
     * The lines that mean something to pgbouncer: comments and blank lines removed. Two files with the
     * same body route identically; the header (time, event id) alone never causes a rewrite.
     */
    public static String body(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty())
                .filter(l -> !l.startsWith(";") && !l.startsWith("#")).collect(Collectors.joining("\n"));
    }

    /** The database names an ini defines ({@code name = ...} lines of its body). */
    public static Set<String> names(String text) {
        return body(text).lines().filter(l -> l.contains(" = ")).map(l -> l.substring(0, l.indexOf(" = ")).strip())
                .collect(Collectors.toSet());
    }

    /** The database names an ini closes (pointed at {@link IniEntry#FENCED_HOST}): pgfence's own DISABLEs. */
    public static Set<String> closedNames(String text) {
        return body(text).lines().filter(l -> l.contains(" = ") && l.contains("host=" + IniEntry.FENCED_HOST + " "))
                .map(l -> l.substring(0, l.indexOf(" = ")).strip()).collect(Collectors.toSet());
    }

    public static boolean sameBody(String a, String b) {
        return a != null && b != null && body(a).equals(body(b));
    }

    public static String sha256(String text) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Text safe inside a {@code ;} comment: anything outside printable ASCII becomes {@code ?}. */
    public static String comment(String text) {
        return text == null ? "" : text.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
