package org.pgfence.lab;

import java.sql.SQLException;
import java.util.Map;

/** The human-readable state of a lab, as {@code pgfence lab status} prints it. */
final class LabStatus {
    private LabStatus() {
    }

    static String render(Lab lab) {
        StringBuilder out = new StringBuilder();
        out.append("lab ").append(lab.dir()).append("  kafka ").append(lab.kafkaBootstrap() == null ? "-" : lab.kafkaBootstrap())
                .append('\n');
        out.append(String.format("%-6s %-13s %-8s %-4s %-8s %s%n", "node", "address", "role", "tli", "ckpt_tli", "repmgrd"));
        for (LabNode n : lab.nodes()) {
            var probe = lab.probe(n.id());
            out.append(String.format("%-6s %-13s %-8s %-4s %-8s %s%n", n.name(), n.address(),
                    probe.map(p -> p.inRecovery() ? "standby" : "primary").orElse("down"),
                    probe.map(p -> Integer.toString(p.timeline())).orElse("-"),
                    probe.map(p -> Integer.toString(p.checkpointTimeline())).orElse("-"),
                    lab.repmgrdRunning(n.id()) ? repmgrd(n, probe.map(NodeState::inRecovery).orElse(false)) : "stopped"));
        }
        out.append(String.format("%-6s %-13s %-8s %s%n", "pgb", "address", "state", "databases"));
        for (LabPgbouncer p : lab.pgbouncers()) {
            String dbs;
            try {
                Map<String, String> shown = PgbouncerFleet.databases(p);
                shown.remove("pgbouncer");
                dbs = shown.toString();
            } catch (SQLException e) {
                dbs = "-";
            }
            out.append(String.format("%-6s %-13s %-8s %s%n", p.host(), p.address() + ":" + p.port(),
                    lab.pgbouncerRunning(p.id()) ? "running" : "stopped", dbs));
        }
        return out.toString();
    }

    /**
     * What a running repmgrd says it does; on a standby, which upstream it watches (a primary's repmgrd may still
     * name the upstream it had before its promotion).
     */
    private static String repmgrd(LabNode n, boolean standby) {
        return RepmgrdProbe.of(n).map(r -> describe(r, standby)).orElse("running");
    }

    private static String describe(RepmgrdProbe r, boolean standby) {
        if (!r.running()) {
            return "running (not yet monitoring)";
        }
        String state = r.paused() ? "paused" : "running";
        String pending = r.pendingFollow() == RepmgrdProbe.NONE ? ""
                : ", holds a follow notification for node" + r.pendingFollow() + " (restart it if it already follows)";
        return !standby || r.upstreamNodeId() < 0 ? state + pending
                : state + ", watches node" + r.upstreamNodeId() + " (seen " + r.upstreamLastSeenSeconds() + " s ago)" + pending;
    }
}
