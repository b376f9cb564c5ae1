package org.pgfence.pgbouncer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.pgfence.pgbouncer.PoolerDatabase;
import org.pgfence.pgbouncer.PoolerServer;
import org.pgfence.pgbouncer.ini.IniEntry;

/**
 * Compares what pgbouncer says it serves with what the ini defines ({@code RELOAD} answers OK even when
 * loading failed: lab fact P12). Pure; each mismatch is one readable line.
 */
public final class Verification {
    private Verification() {
    }

    public static List<String> mismatches(List<IniEntry> expected, Set<String> absent, List<PoolerDatabase> rows) {
        Map<String, PoolerDatabase> byName = rows.stream()
                .collect(Collectors.toMap(PoolerDatabase::name, Function.identity(), (a, b) -> a));
        List<String> out = new ArrayList<>();
        for (IniEntry e : expected) {
            PoolerDatabase row = byName.get(e.name());
            if (row == null) {
                out.add(e.name() + ": missing from SHOW DATABASES");
            } else if (!e.host().equals(row.host()) || e.port() != row.port() || !e.dbname().equals(row.database())) {
                out.add(e.name() + ": pgbouncer has host=" + row.host() + " port=" + row.port() + " dbname="
                        + row.database() + ", ini has host=" + e.host() + " port=" + e.port() + " dbname=" + e.dbname());
            }
        }
        for (String name : absent) {
            if (byName.containsKey(name)) {
                out.add(name + ": still in SHOW DATABASES although removed from the ini");
            }
        }
        return out;
    }

    /** Entries whose DISABLE/ENABLE state is wrong: closed ones must be disabled, routed ones enabled. */
    public static List<String> toDisable(List<IniEntry> expected, List<PoolerDatabase> rows) {
        return expected.stream().filter(IniEntry::closed)
                .filter(e -> rows.stream().anyMatch(r -> r.name().equals(e.name()) && !r.disabled()))
                .map(IniEntry::name).toList();
    }

    public static List<String> toEnable(List<IniEntry> expected, List<PoolerDatabase> rows) {
        return expected.stream().filter(e -> !e.closed())
                .filter(e -> rows.stream().anyMatch(r -> r.name().equals(e.name()) && r.disabled()))
                .map(IniEntry::name).toList();
    }

    /**
     * Managed entries with a server connection that is not on their target (DESIGN rule 7: sessions never outlive a
     * move): a closed entry's every connection, a routed entry's connections to another address. Read from
     * {@code SHOW SERVERS}, not from a diff of configs, so a retried apply, an agent restarted between RELOAD and
     * KILL, or an ro entry moved off a node, still cuts them. {@code addresses} gives the addresses a target host
     * stands for (itself for an IP); a target on a Unix socket cannot be compared and is left alone.
     */
    public static List<String> stranded(List<IniEntry> expected, List<PoolerServer> servers,
                                        Function<String, Set<String>> addresses) {
        return expected.stream().filter(e -> servers.stream().filter(s -> e.name().equals(s.database()))
                .anyMatch(s -> e.closed() || (!e.host().startsWith("/")
                        && (s.port() != e.port() || !addresses.apply(e.host()).contains(s.addr())))))
                .map(IniEntry::name).toList();
    }

    /** Managed entries left paused (e.g. an agent that died between KILL and RESUME). */
    public static List<String> paused(List<IniEntry> expected, List<PoolerDatabase> rows) {
        return expected.stream()
                .filter(e -> rows.stream().anyMatch(r -> r.name().equals(e.name()) && r.paused()))
                .map(IniEntry::name).toList();
    }
}
