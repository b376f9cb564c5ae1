package org.pgfence.audit.pgbouncer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether pgbouncer runs what was written: {@code RELOAD} answers success even when loading failed
 * (pgbouncer &lt; 1.25), so every entry of the ini must show up in {@code SHOW DATABASES} with its host,
 * port and database. Extra rows (the admin database, entries of the main ini) are fine.
 */
public final class ReloadCheck {
    private ReloadCheck() {
    }

    /** The differences, one readable line each; empty when pgbouncer matches the ini. */
    public static List<String> mismatches(DatabaseIni ini, List<ShownDatabase> shown) {
        Map<String, ShownDatabase> byName = shown.stream()
                .collect(Collectors.toMap(ShownDatabase::name, Function.identity(), (a, b) -> a));
        List<String> out = new ArrayList<>();
        for (IniEntry e : ini.entries()) {
            ShownDatabase s = byName.get(e.name());
            if (s == null) {
                out.add(e.name() + ": missing from SHOW DATABASES");
                continue;
            }
            if (e.host() != null && !Objects.equals(e.host(), s.host())) {
                out.add(e.name() + ": host is " + s.host() + ", ini says " + e.host());
            }
            if (e.port() != s.port()) {
                out.add(e.name() + ": port is " + s.port() + ", ini says " + e.port());
            }
            if (!Objects.equals(e.dbname(), s.database())) {
                out.add(e.name() + ": database is " + s.database() + ", ini says " + e.dbname());
            }
        }
        return out;
    }
}
