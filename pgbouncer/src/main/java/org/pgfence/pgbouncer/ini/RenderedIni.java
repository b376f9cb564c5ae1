package org.pgfence.pgbouncer.ini;

import java.util.List;
import java.util.Set;

/**
 * A whole database ini: its text, the entries it defines, and the managed database names it omits on
 * purpose (fail-closed {@code remove} mode), which must be absent from {@code SHOW DATABASES}.
 */
public record RenderedIni(String text, List<IniEntry> entries, Set<String> omitted) {
    public RenderedIni {
        entries = List.copyOf(entries);
        omitted = Set.copyOf(omitted);
    }

    public String sha256() {
        return IniText.sha256(text);
    }
}
