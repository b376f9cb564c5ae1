package org.pgfence.lab;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.pgfence.process.ExitCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Whether repmgrd on the lab's nodes would fail over a lost primary, and what it said when it did not. */
final class RepmgrdWatch {
    private static final Logger LOG = LoggerFactory.getLogger(RepmgrdWatch.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Seconds: two monitoring intervals of the lab's repmgr.conf (monitor_interval_secs=1). */
    private static final int SEEN_WITHIN = 2;

    private RepmgrdWatch() {
    }

    /**
     * Waits until repmgrd runs unpaused on every active node (as {@code repmgr.nodes} on the primary says; a node
     * marked failed is left out), and on every active node but the primary watches it as its upstream, saw it
     * within two monitoring intervals and holds no stale follow notification. A repmgrd that has exited is started
     * ({@code start}); one that holds a stale notification is restarted ({@code stop}, then {@code start}), which is
     * what clears it ({@link RepmgrdProbe#staleFollow}): once per node and wait, so a new repmgrd that has not yet
     * begun monitoring (the old state still in shared memory) is given the time to, not restarted again.
     */
    static void await(List<LabNode> nodes, LabNode primary, Duration timeout, Consumer<LabNode> start,
                      Consumer<LabNode> stop) {
        Instant end = Clock.systemUTC().instant().plus(timeout);
        Set<Integer> restarted = new HashSet<>();
        while (true) {
            List<Integer> active = activeNodeIds(primary);
            superviseRepmgrd(nodes, active, start);
            List<String> notYet = new ArrayList<>();
            List<LabNode> lagging = new ArrayList<>();
            for (LabNode n : nodes) {
                if (!active.isEmpty() && !active.contains(n.id())) {
                    continue; // marked failed: nothing of it is waited for
                }
                Optional<RepmgrdProbe> r = RepmgrdProbe.of(n);
                if (n.id() != primary.id() && r.map(p -> p.staleFollow(primary.id(), SEEN_WITHIN)).orElse(false)
                        && restarted.add(n.id())) {
                    LOG.warn("{}'s repmgrd holds a stale follow notification ({}): restarting it", n.name(), r.get());
                    stop.accept(n);
                    start.accept(n);
                }
                if (!r.map(p -> n.id() == primary.id() ? p.active() : p.watches(primary.id(), SEEN_WITHIN)).orElse(false)) {
                    notYet.add(n.name() + " " + r.map(Object::toString).orElse("(no answer)"));
                    lagging.add(n);
                }
            }
            if (notYet.isEmpty()) {
                return;
            }
            if (Clock.systemUTC().instant().isAfter(end)) {
                throw new LabException(ExitCode.CHECK_FAILED, "repmgrd is not watching " + primary.name()
                        + " everywhere after " + timeout.toSeconds() + " s: " + notYet + lastWords(nodes)
                        + lastEvents(lagging) + silentNodes(lagging));
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /**
     * Restarts a repmgrd that has exited on an active node whose PostgreSQL runs, as its systemd unit would
     * (Restart=on-failure). Seen under load: right after a successful 'standby follow', repmgrd 5.3 could not
     * connect to the new primary once ("unable to connect to primary node") and terminated; nothing in the lab
     * restarted it, so the node was never watched again.
     */
    private static void superviseRepmgrd(List<LabNode> nodes, List<Integer> active, Consumer<LabNode> restart) {
        for (LabNode n : nodes) {
            boolean isActive = active.isEmpty() || active.contains(n.id());
            if (isActive && !Daemons.alive(n.repmgrdPidFile(), "repmgrd") && NodeState.of(n).isPresent()) {
                restart.accept(n);
            }
        }
    }

    /**
     * Waits until {@code standby}'s own copy of its record (read on its PostgreSQL, as repmgrd reads it at start)
     * says it is a standby of {@code upstreamId}. repmgrd takes its upstream from that record once (repmgrd-physical.c
     * 5.3.3, monitor_streaming_standby) and keeps it while the upstream answers; the record is written on the primary,
     * so a repmgrd started before the standby has replayed the write watches the old upstream for good (LabSwitchoverIT:
     * a sibling with recovery_min_apply_delay; FaultFlappingIT in CI stop 25).
     */
    static void awaitOwnRecord(LabNode standby, int upstreamId, Duration timeout) {
        Instant end = Clock.systemUTC().instant().plus(timeout);
        String want = "standby/" + upstreamId;
        while (true) {
            String seen = ownRecord(standby);
            if (seen.equals(want)) {
                return;
            }
            if (Clock.systemUTC().instant().isAfter(end)) {
                throw new LabException(ExitCode.CHECK_FAILED, standby.name() + " has not replayed its record as a standby"
                        + " of node " + upstreamId + " after " + timeout.toSeconds() + " s: its own repmgr.nodes says " + seen);
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** "type/upstream_node_id" of the node's record in its own repmgr.nodes, or why it cannot be read. */
    private static String ownRecord(LabNode n) {
        try (Connection c = NodeState.connect(n, "repmgr"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT type, upstream_node_id FROM repmgr.nodes WHERE node_id = " + n.id())) {
            return rs.next() ? rs.getString(1) + "/" + rs.getInt(2) : "no record";
        } catch (SQLException e) {
            return "(no answer: " + e.getMessage() + ")";
        }
    }

    /** The ids of the nodes {@code repmgr.nodes} on {@code primary} marks active; empty if it does not answer. */
    static List<Integer> activeNodeIds(LabNode primary) {
        try (Connection c = NodeState.connect(primary, "repmgr"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT node_id FROM repmgr.nodes WHERE active ORDER BY node_id")) {
            List<Integer> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
            return ids;
        } catch (SQLException e) {
            return List.of();
        }
    }

    /** The last 40 events of each node's repmgrd, one block per node: the story behind its last words. */
    static String lastEvents(List<LabNode> nodes) {
        return nodes.stream().map(n -> "\n" + n.name() + "'s repmgrd, last events:\n  "
                + String.join("\n  ", RepmgrdLog.lastEvents(n.repmgrdLog(), 40))).collect(Collectors.joining());
    }

    /**
     * For each node whose PostgreSQL does not answer: what the follow hook did to it (failover.log, hooks.log: a
     * refused follow stops the node and rewinds it) and the end of its PostgreSQL log. repmgrd's log only says the
     * node is gone; these say who stopped it and why it did not come back.
     */
    static String silentNodes(List<LabNode> nodes) {
        StringBuilder b = new StringBuilder();
        for (LabNode n : nodes) {
            if (NodeState.of(n).isPresent()) {
                continue;
            }
            Path lab = n.dir().getParent();
            List<String> hooks = RepmgrdLog.lastLines(lab.resolve("failover.log"), 200).stream()
                    .filter(l -> l.contains(" " + n.name() + " ")).toList();
            b.append("\n").append(n.name()).append("'s PostgreSQL does not answer; its hooks (failover.log):\n  ")
                    .append(String.join("\n  ", hooks.subList(Math.max(0, hooks.size() - 10), hooks.size())))
                    .append("\nhooks.log, last lines:\n  ")
                    .append(String.join("\n  ", RepmgrdLog.lastLines(lab.resolve("hooks.log"), 25)))
                    .append("\n").append(n.name()).append("'s postgresql.log, last lines:\n  ")
                    .append(String.join("\n  ", RepmgrdLog.lastLines(n.log(), 15)));
        }
        return b.toString();
    }

    /** The last warning or notice of each node's repmgrd, for a failure message: why repmgrd did not act. */
    static String lastWords(List<LabNode> nodes) {
        return nodes.stream().map(n -> n.name() + ": " + RepmgrdLog.lastWarningOrNotice(n.repmgrdLog()).orElse("-"))
                .collect(Collectors.joining(" | ", "; repmgrd's last words: ", ""));
    }
}
