package org.pgfence.pgbouncer;

import org.pgfence.pgbouncer.ini.IniValues;

/**
 * Admin console statements. Database names are double-quoted (pgbouncer rejects {@code KILL appdb-rw},
 * lab fact P11); names have already passed {@link IniValues}, so they hold no quote to escape.
 */
public final class AdminCommands {
    private AdminCommands() {
    }

    public static String quote(String database) {
        IniValues.require("database", "name", database);
        return "\"" + database + "\"";
    }

    public static String kill(String database) {
        return "KILL " + quote(database);
    }

    public static String pause(String database) {
        return "PAUSE " + quote(database);
    }

    public static String resume(String database) {
        return "RESUME " + quote(database);
    }

    public static String disable(String database) {
        return "DISABLE " + quote(database);
    }

    public static String enable(String database) {
        return "ENABLE " + quote(database);
    }
}
