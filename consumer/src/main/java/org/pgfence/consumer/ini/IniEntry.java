package org.pgfence.consumer.ini;

import org.pgfence.consumer.config.Role;

/**
 * One {@code [databases]} line as rendered: what {@code SHOW DATABASES} must show after a reload.
 * {@code closed} entries point at {@link IniRenderer#FENCED_HOST} and must also be DISABLEd.
 */
public record IniEntry(String name, Role role, String host, int port, String dbname, boolean closed) {
}
