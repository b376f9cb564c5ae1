package org.pgfence.consumer.discovery;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A libpq connection string as repmgr stores it in {@code repmgr.nodes.conninfo}, parsed tolerantly:
 * keyword/value form ({@code host=a port='5432' user=x}, single quotes with {@code \'} and {@code \\}
 * escapes) and URI form ({@code postgresql://user@host:port/db?k=v}). Only host and port are ever used
 * for routing; every other key (connect_timeout, user, dbname=repmgr) stays here.
 */
public final class Conninfo {
    public static final int DEFAULT_PORT = 5432;
    private final Map<String, String> params;

    private Conninfo(Map<String, String> params) {
        this.params = Collections.unmodifiableMap(params);
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is wrong and where. */
    public static Conninfo parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty conninfo");
        }
        String t = text.strip();
        if (t.startsWith("postgresql://") || t.startsWith("postgres://")) {
            return new Conninfo(parseUri(t));
        }
        return new Conninfo(parseKeywords(t));
    }

    public Map<String, String> params() {
        return params;
    }

    /** The first host of {@code host} (or {@code hostaddr}); null if neither is set. */
    public String host() {
        String h = params.getOrDefault("host", params.get("hostaddr"));
        if (h == null || h.isEmpty()) {
            return null;
        }
        int comma = h.indexOf(',');
        return comma < 0 ? h : h.substring(0, comma);
    }

    /** The first port, {@value #DEFAULT_PORT} if unset; throws if it is not a TCP port. */
    public int port() {
        String p = params.get("port");
        if (p == null || p.isEmpty()) {
            return DEFAULT_PORT;
        }
        int comma = p.indexOf(',');
        String first = comma < 0 ? p : p.substring(0, comma);
        try {
            int n = Integer.parseInt(first.trim());
            if (n < 1 || n > 65535) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + first + "' is not a TCP port");
        }
    }

    private static Map<String, String> parseKeywords(String t) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = t.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(t.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int keyStart = i;
            while (i < n && t.charAt(i) != '=' && !Character.isWhitespace(t.charAt(i))) {
                i++;
            }
            String key = t.substring(keyStart, i);
            while (i < n && Character.isWhitespace(t.charAt(i))) {
                i++;
            }
            if (i >= n || t.charAt(i) != '=') {
                throw new IllegalArgumentException("missing '=' after '" + key + "' at offset " + i);
            }
            i++;
            while (i < n && Character.isWhitespace(t.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            i = readValue(t, i, value);
            out.put(key, value.toString());
        }
        return out;
    }

    private static int readValue(String t, int start, StringBuilder value) {
        int i = start;
        int n = t.length();
        if (i < n && t.charAt(i) == '\'') {
            i++;
            while (i < n && t.charAt(i) != '\'') {
                if (t.charAt(i) == '\\' && i + 1 < n) {
                    i++;
                }
                value.append(t.charAt(i++));
            }
            if (i >= n) {
                throw new IllegalArgumentException("unterminated quoted value at offset " + start);
            }
            return i + 1;
        }
        while (i < n && !Character.isWhitespace(t.charAt(i))) {
            if (t.charAt(i) == '\\' && i + 1 < n) {
                i++;
            }
            value.append(t.charAt(i++));
        }
        return i;
    }

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
                throw new IllegalArgumentException("unterminated IPv6 address in '" + firstHost + "'");
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

    @Override
    public String toString() {
        Map<String, String> safe = new LinkedHashMap<>(params);
        safe.computeIfPresent("password", (k, v) -> "****");
        return safe.toString();
    }
}
