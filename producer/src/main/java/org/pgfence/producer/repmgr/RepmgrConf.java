package org.pgfence.producer.repmgr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pgfence.libpq.Conninfo;
import org.pgfence.libpq.ConninfoException;

/**
 * The parts of a repmgr.conf pgfence needs: this node's id, name and conninfo.
 *
 * <p>Format (repmgr 5, PostgreSQL-style): one {@code key=value} per line, blank lines and {@code #}
 * comments ignored; a value is a bare word or single-quoted, where {@code ''} or {@code \'} is a quote.
 */
public record RepmgrConf(int nodeId, String nodeName, Conninfo conninfo, Map<String, String> values) {

    public RepmgrConf {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static RepmgrConf read(Path file) throws IOException {
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** Parses the lines of {@code source}; a malformed line or missing key raises {@link ConninfoException}. */
    public static RepmgrConf parse(String source, List<String> lines) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            parseLine(source, n + 1, lines.get(n), values);
        }
        int nodeId = nodeId(source, values.get("node_id"));
        String nodeName = required(source, values, "node_name");
        String conninfoText = required(source, values, "conninfo");
        Conninfo conninfo;
        try {
            conninfo = Conninfo.parse(conninfoText);
        } catch (ConninfoException e) {
            throw new ConninfoException(source + ": key 'conninfo': " + e.getMessage());
        }
        return new RepmgrConf(nodeId, nodeName, conninfo, values);
    }

    private static void parseLine(String source, int lineNo, String line, Map<String, String> values) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return;
        }
        int eq = trimmed.indexOf('=');
        if (eq <= 0) {
            throw new ConninfoException(source + " line " + lineNo + ": expected key=value, got '" + trimmed + "'");
        }
        String key = trimmed.substring(0, eq).strip();
        if (!key.matches("[a-zA-Z_][a-zA-Z0-9_.]*")) {
            throw new ConninfoException(source + " line " + lineNo + ": illegal key '" + key + "'");
        }
        values.put(key, value(source, lineNo, key, trimmed.substring(eq + 1).strip()));
    }

    private static String value(String source, int lineNo, String key, String raw) {
        if (!raw.startsWith("'")) {
            int hash = raw.indexOf('#');
            return (hash >= 0 ? raw.substring(0, hash) : raw).strip();
        }
        StringBuilder v = new StringBuilder();
        for (int i = 1; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            if (ch == '\\' && i + 1 < raw.length()) {
                v.append(raw.charAt(++i));
            } else if (ch == '\'' && i + 1 < raw.length() && raw.charAt(i + 1) == '\'') {
                v.append('\'');
                i++;
            } else if (ch == '\'') {
                String rest = raw.substring(i + 1).strip();
                if (!rest.isEmpty() && !rest.startsWith("#")) {
                    throw new ConninfoException(source + " line " + lineNo + ": key '" + key
                            + "': unexpected text after the quoted value: '" + rest + "'");
                }
                return v.toString();
            } else {
                v.append(ch);
            }
        }
        throw new ConninfoException(source + " line " + lineNo + ": key '" + key + "': unterminated quoted value");
    }

    private static String required(String source, Map<String, String> values, String key) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            throw new ConninfoException(source + ": key '" + key + "' is missing");
        }
        return v;
    }

    private static int nodeId(String source, String v) {
        if (v == null || v.isBlank()) {
            throw new ConninfoException(source + ": key 'node_id' is missing");
        }
        try {
            int id = Integer.parseInt(v.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConninfoException(source + ": Invalid value '" + v + "' for key 'node_id': must be a whole number > 0");
    }
}
