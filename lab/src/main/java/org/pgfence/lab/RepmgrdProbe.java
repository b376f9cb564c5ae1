package org.pgfence.lab;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * What repmgrd on one node says it is doing, read from the repmgr extension's shared memory on that node:
 * whether it runs, whether it is paused, which node it watches as upstream and how long ago it last saw it
 * ({@code -1} for both on a primary, whose repmgrd watches no upstream), and the node a follow notification
 * told it to follow that it has not acted on ({@code -1}: none; {@code repmgr.get_new_primary()}).
 */
public record RepmgrdProbe(boolean running, boolean paused, int upstreamNodeId, int upstreamLastSeenSeconds,
                           int pendingFollow) {

    /** repmgr's UNKNOWN_NODE_ID: no pending follow notification. */
    public static final int NONE = -1;

    private static final String SQL = """
            SELECT repmgr.repmgrd_is_running(), repmgr.repmgrd_is_paused(),
                   repmgr.get_upstream_node_id(), repmgr.get_upstream_last_seen(), repmgr.get_new_primary()""";

    /** The node's repmgrd state, or empty when the node does not answer. */
    public static Optional<RepmgrdProbe> of(LabNode node) {
        try (Connection c = NodeState.connect(node, "repmgr"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SQL)) {
            rs.next();
            return Optional.of(new RepmgrdProbe(rs.getBoolean(1), rs.getBoolean(2), rs.getInt(3), rs.getInt(4), rs.getInt(5)));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /**
     * Running, not paused, watching {@code primaryId} as its upstream, seen within {@code seconds}, and holding no
     * follow notification: one that is pending while repmgrd watches its upstream is acted on at that upstream's loss
     * ({@link #staleFollow}).
     */
    public boolean watches(int primaryId, int seconds) {
        return seesUpstream(primaryId, seconds) && pendingFollow == NONE;
    }

    /**
     * Watching {@code primaryId} (seen within {@code seconds}) with a follow notification still pending: it arrived
     * after this standby had followed on its own (the new primary's promote_command and event hooks outlasted
     * {@code primary_notification_timeout}), and repmgr 5.3 clears it only when repmgrd (re)starts monitoring. At the
     * upstream's loss repmgrd acts on it ("received notification that new primary is node N"), tries to follow the
     * lost node and terminates: no failover (repmgrd-physical.c, try_reconnect; LabIT test 7).
     */
    public boolean staleFollow(int primaryId, int seconds) {
        return seesUpstream(primaryId, seconds) && pendingFollow != NONE;
    }

    private boolean seesUpstream(int primaryId, int seconds) {
        return active() && upstreamNodeId == primaryId && upstreamLastSeenSeconds >= 0 && upstreamLastSeenSeconds <= seconds;
    }

    /** Running and not paused: a repmgrd that would act on a failure. */
    public boolean active() {
        return running && !paused;
    }
}
