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

    /** Runs {@code action} on every SIGHUP; false (logged) where the platform has no SIGHUP. */
    public static boolean onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
            return true;
        } catch (IllegalArgumentException e) {
            LOG.warn("SIGHUP is not available here, reload means restart: {}", e.getMessage());
            return false;
        }
    }
}
