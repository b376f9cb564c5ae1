package org.pgfence.lab;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * What repmgrd on one node says it is doing, read from the repmgr extension's shared memory on that node:
 * whether it runs, whether it is paused, which node it watches as upstream and how long ago it last saw it
 * ({@code -1} for both on a primary, whose repmgrd watches no upstream).
 */
public record RepmgrdProbe(boolean running, boolean paused, int upstreamNodeId, int upstreamLastSeenSeconds) {

    private static final String SQL = """
            SELECT repmgr.repmgrd_is_running(), repmgr.repmgrd_is_paused(),
                   repmgr.get_upstream_node_id(), repmgr.get_upstream_last_seen()""";

    /** The node's repmgrd state, or empty when the node does not answer. */
    public static Optional<RepmgrdProbe> of(LabNode node) {
        try (Connection c = NodeState.connect(node, "repmgr"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SQL)) {
            rs.next();
            return Optional.of(new RepmgrdProbe(rs.getBoolean(1), rs.getBoolean(2), rs.getInt(3), rs.getInt(4)));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** Running, not paused, and watching {@code primaryId} as its upstream, seen within {@code seconds}. */
    public boolean watches(int primaryId, int seconds) {
        return active() && upstreamNodeId == primaryId && upstreamLastSeenSeconds >= 0 && upstreamLastSeenSeconds <= seconds;
    }

    /** Running and not paused: a repmgrd that would act on a failure. */
    public boolean active() {
        return running && !paused;
    }
}
