package org.pgfence.consumer.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP as "reconcile now" (systemd's {@code ExecReload=/bin/kill -HUP $MAINPID}). Installing a handler
 * replaces the JVM's default for HUP, which would otherwise run the shutdown hooks and stop the agent.
 * The action runs on the JVM's signal thread, so it must not block (the agent sets a flag and wakes its poll).
 */
public final class Hangup {
    private static final Logger LOG = LoggerFactory.getLogger(Hangup.class);

    private Hangup() {
    }

    /**
     * Runs {@code action} on every SIGHUP; false (logged) where the platform has no SIGHUP, or where this process was
     * started with SIGHUP ignored ({@code nohup}, some process managers): the JVM then keeps it ignored and installs
     * nothing, so a reload would silently do nothing.
     */
    public static boolean onHangup(Runnable action) {
        try {
            sun.misc.SignalHandler old = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
            if (old == sun.misc.SignalHandler.SIG_IGN) {
                LOG.warn("SIGHUP is ignored by this process's parent (started under nohup?): 'reconcile now' by"
                        + " SIGHUP (systemctl reload) does nothing here; the timer reconciles, or restart the agent."
                        + " Start it without nohup (systemd does not ignore SIGHUP)");
                return false;
            }
            return true;
        } catch (IllegalArgumentException e) {
            LOG.warn("SIGHUP is not available here, reload means restart: {}", e.getMessage());
            return false;
        }
    }
}
