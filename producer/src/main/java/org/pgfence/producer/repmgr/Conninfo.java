package org.pgfence.producer.repmgr;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A libpq keyword/value connection string ({@code host=127.0.0.12 port=5432 user=repmgr}), parsed
 * by libpq's rules: values may be single-quoted, and inside quotes {@code \'} and {@code \\} escape.
 * URIs ({@code postgresql://...}) are not accepted: repmgr writes keyword/value form.
 *
 * <p>{@link #toString()} masks the password; the raw string is never kept.
 */
public final class Conninfo {
    private static final Set<String> SECRET = Set.of("password", "sslpassword");
    private final Map<String, String> values;

    private Conninfo(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static Conninfo parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ConninfoException("empty conninfo");
        }
        if (text.startsWith("postgresql://") || text.startsWith("postgres://")) {
            throw new ConninfoException("conninfo URIs are not supported; use key=value form");
        }
        Map<String, String> out = new LinkedHashMap<>();
        Cursor c = new Cursor(text);
        while (c.skipSpace()) {
            String key = c.key();
            String value = c.value(key);
            out.put(key, value);
        }
        return new Conninfo(out);
    }

    public Map<String, String> values() {
        return values;
    }

    public String get(String key) {
        return values.get(key);
    }

    /** The single host name or address; a list ({@code a,b}) or a socket directory is rejected. */
    public String host() {
        String host = values.get("host");
        if (host == null || host.isBlank()) {
            host = values.get("hostaddr");
        }
        if (host == null || host.isBlank()) {
            throw new ConninfoException("conninfo has no host: a TCP host is required");
        }
        if (host.contains(",")) {
            throw new ConninfoException("Invalid value '" + host + "' for conninfo key 'host': one host expected");
        }
        if (host.startsWith("/")) {
            throw new ConninfoException("Invalid value '" + host
                    + "' for conninfo key 'host': a Unix socket directory cannot be announced; use a TCP address");
        }
        return host;
    }

    /** The port, 5432 when absent. */
    public int port() {
        return intValue("port", 5432, 1, 65535);
    }

    public String user() {
        return values.get("user");
    }

    public String dbname() {
        return values.get("dbname");
    }

    /** libpq's connect_timeout in seconds, or {@code fallback} when absent (0 means none in libpq). */
    public int connectTimeoutSeconds(int fallback) {
        int s = intValue("connect_timeout", fallback, 0, Integer.MAX_VALUE);
        return s == 0 ? fallback : s;
    }

    private int intValue(String key, int fallback, int min, int max) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new ConninfoException("Invalid value '" + v + "' for conninfo key '" + key
                        + "': must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConninfoException("Invalid value '" + v + "' for conninfo key '" + key
                    + "': must be a whole number");
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> {
            b.append(b.length() == 0 ? "" : " ").append(k).append('=');
            b.append(SECRET.contains(k.toLowerCase(Locale.ROOT)) ? "****" : quote(v));
        });
        return b.toString();
    }

    private static String quote(String v) {
        if (!v.isEmpty() && v.chars().noneMatch(ch -> Character.isWhitespace(ch) || ch == '\'' || ch == '\\')) {
            return v;
        }
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** libpq's conninfo_parse, by hand. */
    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        boolean skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            return i < s.length();
        }

        String key() {
            int start = i;
            while (i < s.length() && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String key = s.substring(start, i);
            skipSpace();
            if (i >= s.length() || s.charAt(i) != '=') {
                throw new ConninfoException("Invalid conninfo near '" + key + "': missing '=' after key '"
                        + key + "'");
            }
            if (key.isEmpty() || !key.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new ConninfoException("Invalid conninfo: illegal key '" + key + "'");
            }
            i++;
            return key;
        }

        String value(String key) {
            skipSpace();
            StringBuilder v = new StringBuilder();
            if (i < s.length() && s.charAt(i) == '\'') {
                i++;
                while (true) {
                    if (i >= s.length()) {
                        throw new ConninfoException("Invalid value for conninfo key '" + key
                                + "': unterminated quoted string");
                    }
                    char ch = s.charAt(i++);
                    if (ch == '\'') {
                        return v.toString();
                    }
                    if (ch == '\\' && i < s.length()) {
                        ch = s.charAt(i++);
                    }
                    v.append(ch);
                }
            }
            while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                char ch = s.charAt(i++);
                if (ch == '\\' && i < s.length()) {
                    ch = s.charAt(i++);
                }
                v.append(ch);
            }
            return v.toString();
        }
    }
}
