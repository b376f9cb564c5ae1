package org.pgfence.lab;

import java.sql.SQLException;
import java.util.Map;

/** The lab's view of a pgbouncer admin console, for drills and tests. */
public final class PgbouncerAdmin {
    private PgbouncerAdmin() {
    }

    /** {@code SHOW DATABASES} as name → "host:port" (plus " paused"/" disabled" when so). */
    public static Map<String, String> databases(LabPgbouncer pgb) throws SQLException {
        return PgbouncerFleet.databases(pgb);
    }

    public static void command(LabPgbouncer pgb, String command) throws SQLException {
        PgbouncerFleet.admin(pgb, command);
    }
}
