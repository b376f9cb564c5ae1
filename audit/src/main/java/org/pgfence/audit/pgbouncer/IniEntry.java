package org.pgfence.audit.pgbouncer;

import java.util.Map;

/** One {@code name = key=value ...} line of a pgbouncer {@code [databases]} section. */
public record IniEntry(String name, Map<String, String> settings) {

    public IniEntry {
        settings = Map.copyOf(settings);
    }

    public String host() {
        return settings.get("host");
    }

    /** The backend port; pgbouncer's default is 5432. */
    public int port() {
        return Integer.parseInt(settings.getOrDefault("port", "5432"));
    }

    /** The backend database; pgbouncer's default is the entry's own name. */
    public String dbname() {
        return settings.getOrDefault("dbname", name);
    }
}
