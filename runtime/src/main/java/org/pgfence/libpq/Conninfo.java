package org.pgfence.libpq;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A libpq connection string, in either of libpq's forms: keyword/value ({@code host=127.0.0.12 port=5432},
 * values optionally single-quoted, {@code \'} and {@code \\} escaping) or URI
 * ({@code postgresql://user@host:port/dbname?key=value}). Malformed text raises {@link ConninfoException}
 * naming the key.
 *
 * <p>Two readings of the host: {@link #host()} takes the first of a multi-host list (what a probe connects to
 * first), {@link #tcpHost()} insists on exactly one TCP host (what may be announced as a new primary).
 * {@link #toString()} masks passwords; the raw text is not kept.
 */
public final class Conninfo {
    public static final int DEFAULT_PORT = 5432;
    private static final Set<String> SECRET = Set.of("password", "sslpassword");
    private final Map<String, String> values;

    private Conninfo(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static Conninfo parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ConninfoException("empty conninfo");
        }
        String t = text.strip();
        if (t.startsWith("postgresql://") || t.startsWith("postgres://")) {
            return new Conninfo(parseUri(t));
        }
        Map<String, String> out = new LinkedHashMap<>();
        Cursor c = new Cursor(t);
        while (c.skipSpace()) {
            String key = c.key();
            out.put(key, c.value(key));
        }
        return new Conninfo(out);
    }

    public Map<String, String> values() {
        return values;
    }

    public String get(String key) {
        return values.get(key);
    }

    public String user() {
        return values.get("user");
    }

    public String dbname() {
        return values.get("dbname");
    }

    /** The first host of {@code host} (or, when that is unset, {@code hostaddr}); null if neither is set. */
    public String host() {
        String h = hostValue();
        if (h == null) {
            return null;
        }
        int comma = h.indexOf(',');
        return comma < 0 ? h : h.substring(0, comma);
    }

    /** The one TCP host; a missing host, a list ({@code a,b}) or a Unix socket directory is refused. */
    public String tcpHost() {
        String h = hostValue();
        if (h == null) {
            throw new ConninfoException("conninfo has no host: a TCP host is required");
        }
        if (h.contains(",")) {
            throw new ConninfoException("Invalid value '" + h + "' for conninfo key 'host': one host expected");
        }
        if (h.startsWith("/")) {
            throw new ConninfoException("Invalid value '" + h
                    + "' for conninfo key 'host': a Unix socket directory cannot be announced; use a TCP address");
        }
        return h;
    }

    private String hostValue() {
        String h = values.get("host");
        if (h == null || h.isBlank()) {
            h = values.get("hostaddr");
        }
        return h == null || h.isBlank() ? null : h;
    }

    /** The (first) port, {@value #DEFAULT_PORT} when unset. */
    public int port() {
        String p = values.get("port");
        if (p == null || p.isBlank()) {
            return DEFAULT_PORT;
        }
        int comma = p.indexOf(',');
        return intValue("port", comma < 0 ? p : p.substring(0, comma), 1, 65535);
    }

    /** libpq's connect_timeout in seconds, or {@code fallback} when unset or 0 (which means none in libpq). */
    public int connectTimeoutSeconds(int fallback) {
        String v = values.get("connect_timeout");
        if (v == null || v.isBlank()) {
            return fallback;
        }
        int s = intValue("connect_timeout", v, 0, Integer.MAX_VALUE);
        return s == 0 ? fallback : s;
    }

    private static int intValue(String key, String v, int min, int max) {
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

    /** libpq's conninfo_uri_parse, for the parts pgfence reads: user, first host and port, dbname, parameters. */
    private static Map<String, String> parseUri(String t) {
        Map<String, String> out = new LinkedHashMap<>();
        String rest = t.substring(t.indexOf("://") + 3);
        int q = rest.indexOf('?');
        String query = q < 0 ? "" : rest.substring(q + 1);
        rest = q < 0 ? rest : rest.substring(0, q);
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            putDecoded(out, "dbname", rest.substring(slash + 1));
            rest = rest.substring(0, slash);
        }
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            int colon = userInfo.indexOf(':');
            putDecoded(out, "user", colon < 0 ? userInfo : userInfo.substring(0, colon));
            if (colon >= 0) {
                putDecoded(out, "password", userInfo.substring(colon + 1));
            }
            rest = rest.substring(at + 1);
        }
        putHostPort(out, rest.split(",", -1)[0]);
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                putDecoded(out, pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }

    private static void putHostPort(Map<String, String> out, String firstHost) {
        if (firstHost.startsWith("[")) {
            int close = firstHost.indexOf(']');
            if (close < 0) {
                throw new ConninfoException("Invalid value '" + firstHost
                        + "' for conninfo key 'host': unterminated IPv6 address");
            }
            putDecoded(out, "host", firstHost.substring(1, close));
            String after = firstHost.substring(close + 1);
            if (after.startsWith(":")) {
                putDecoded(out, "port", after.substring(1));
            }
        } else {
            int colon = firstHost.lastIndexOf(':');
            putDecoded(out, "host", colon < 0 ? firstHost : firstHost.substring(0, colon));
            if (colon >= 0) {
                putDecoded(out, "port", firstHost.substring(colon + 1));
            }
        }
    }

    private static void putDecoded(Map<String, String> out, String key, String raw) {
        if (!raw.isEmpty()) {
            out.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(raw, StandardCharsets.UTF_8));
        }
    }

    /** {@code [a-zA-Z_][a-zA-Z0-9_]*}, without a regex (agents parse every node's conninfo on every probe). */
    static boolean isKey(String key) {
        if (key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (!letter && (i == 0 || c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
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
            if (!isKey(key)) {
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
