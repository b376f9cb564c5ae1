package org.pgfence.pgbouncer.ini;

import org.pgfence.pgbouncer.ini.Role;

/**
 * One {@code [databases]} line as rendered: what {@code SHOW DATABASES} must show after a reload.
 * {@code closed} entries point at {@link #FENCED_HOST} and must also be DISABLEd.
 */
public record IniEntry(String name, Role role, String host, int port, String dbname, boolean closed) {
    /**
     * Where a closed entry points: a Unix socket directory that cannot exist, so pgbouncer can connect nowhere even
     * if the DISABLE that goes with it is lost (a pgbouncer restart forgets it).
     */
    public static final String FENCED_HOST = "/nonexistent/pgfence-fenced-closed";
}
