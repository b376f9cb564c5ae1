package org.pgfence.pgbouncer.ini;

import java.util.Locale;

/** Whether a pgbouncer database carries writes (routed to the verified primary) or reads. */
public enum Role {
    RW, RO;

    /** The wire name used in acks and status ({@code "rw"}, {@code "ro"}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
