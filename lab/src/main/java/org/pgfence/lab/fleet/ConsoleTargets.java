package org.pgfence.lab.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabException;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.PgbouncerFleet;
import org.pgfence.process.ExitCode;

/**
 * The lab's pgbouncers as the console targets of a fleet. N real pgbouncers do not fit on one machine, so each
 * simulated host keeps its own {@code [databases]} file, with database names of its own ({@code appdb-rw-0001}), and
 * one of the lab's pgbouncers includes it. pgbouncer 1.18 (libusual's cfparser) reads any number of sibling
 * {@code %include} lines and nests them up to 10 deep; every included file must load, or the whole (re)load stops
 * ("error processing include file"), so a file is included only once it exists, and the agent replaces it atomically.
 * Names must differ: a later definition of a name replaces the earlier, so two hosts sharing {@code appdb-rw} behind
 * one pgbouncer would fence each other's entry. Each pgbouncer gets {@code fleet.ini}, one {@code %include} per host it
 * serves, itself included at the end of {@code pgbouncer.ini} after the lab's own database file.
 */
final class ConsoleTargets {
    static final String FLEET_INI = "fleet.ini";

    private ConsoleTargets() {
    }

    /** Writes each host's first (empty) database file, the includes, and RELOADs every pgbouncer. */
    static void wire(Lab lab, List<FleetHost> hosts) {
        for (FleetHost h : hosts) {
            write(h.databaseIni(), "; " + h.host() + " (pgfence fleet): its agent rewrites this file\n[databases]\n",
                    false);
        }
        for (LabPgbouncer pgb : lab.pgbouncers()) {
            List<FleetHost> served = hosts.stream().filter(h -> h.console().equals(pgb)).toList();
            if (served.isEmpty()) {
                continue;
            }
            Path fleetIni = pgb.dir().resolve(FLEET_INI);
            write(fleetIni, served.stream().map(h -> "%include " + h.databaseIni() + "\n").collect(Collectors.joining()),
                    false);
            String include = "%include " + fleetIni + "\n";
            if (!read(pgb.ini()).contains(include)) {
                write(pgb.ini(), "\n" + include, true);
            }
            try {
                PgbouncerFleet.admin(pgb, "RELOAD");
            } catch (SQLException e) {
                throw new LabException(ExitCode.UNAVAILABLE, "RELOAD of pgbouncer " + pgb.host() + " after including "
                        + served.size() + " fleet files failed: " + e.getMessage(), e);
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String text, boolean append) {
        try {
            Files.createDirectories(file.getParent());
            if (append) {
                Files.writeString(file, text, StandardOpenOption.APPEND);
            } else {
                Path tmp = file.resolveSibling(file.getFileName() + ".fleet-tmp");
                Files.writeString(tmp, text);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
