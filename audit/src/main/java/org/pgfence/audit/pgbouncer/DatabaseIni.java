package org.pgfence.audit.pgbouncer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A pgbouncer database ini as the agent's renderer prints it: comments, one {@code [databases]} header,
 * then {@code name = key=value ...} lines. Parsed to verify it before upload and to compare it with
 * {@code SHOW DATABASES} after RELOAD. Anything else is rejected with the line number.
 */
public record DatabaseIni(String text, List<IniEntry> entries) {
    private static final Pattern NAME = Pattern.compile("\"?[A-Za-z0-9_.-]+\"?");
    private static final Pattern VALUE = Pattern.compile("[^\\s;%\\[\\]=\"']+");

    public DatabaseIni {
        entries = List.copyOf(entries);
    }

    public static DatabaseIni parse(String text) {
        List<IniEntry> entries = new ArrayList<>();
        boolean inDatabases = false;
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.equals("[databases]")) {
                    throw invalid(n, "only a [databases] section may appear, found " + line);
                }
                inDatabases = true;
                continue;
            }
            if (!inDatabases) {
                throw invalid(n, "an entry before the [databases] header");
            }
            entries.add(entry(n, line));
        }
        if (!inDatabases) {
            throw new IllegalArgumentException("rendered ini has no [databases] section");
        }
        return new DatabaseIni(text, entries);
    }

    private static IniEntry entry(int n, String line) {
        int eq = line.indexOf('=');
        if (eq < 0) {
            throw invalid(n, "expected 'name = key=value ...'");
        }
        String name = line.substring(0, eq).strip();
        if (!NAME.matcher(name).matches()) {
            throw invalid(n, "illegal database name '" + name + "'");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String pair : line.substring(eq + 1).strip().split("\\s+")) {
            if (pair.isEmpty()) {
                continue;
            }
            int e = pair.indexOf('=');
            if (e <= 0 || !VALUE.matcher(pair.substring(e + 1)).matches()) {
                throw invalid(n, "illegal setting '" + pair + "'");
            }
            settings.put(pair.substring(0, e), pair.substring(e + 1));
        }
        if (settings.containsKey("port") && !settings.get("port").matches("\\d{1,5}")) {
            throw invalid(n, "illegal port '" + settings.get("port") + "'");
        }
        return new IniEntry(name.replace("\"", ""), settings);
    }

    private static IllegalArgumentException invalid(int index, String message) {
        return new IllegalArgumentException("rendered ini line " + (index + 1) + ": " + message);
    }
}
