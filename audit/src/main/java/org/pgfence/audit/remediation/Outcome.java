package org.pgfence.audit.remediation;

import java.util.Locale;

/** How one SSH remediation attempt ended; the metric label and the stored outcome are its lower-case name. */
public enum Outcome {
    /** The host's {@code pgfence apply} routed the promotion's cluster at or above its epoch, verified. */
    APPLIED,
    /** The remote command failed without a routing report, or the host does not serve the cluster. */
    RENDER_FAILED,
    /** The SSH channel failed in the middle (before 0.2.0: the upload of a rendered ini). */
    UPLOAD_FAILED,
    /** The host's apply failed (write, RELOAD, verification or a console command). */
    RELOAD_FAILED,
    /** The host routes below the promotion's epoch or elsewhere: refused, not counted. */
    ROUTES_ELSEWHERE,
    /** The host verifies no primary at or above the promotion's epoch: its rw entries are closed (safe, not repaired). */
    FENCED_CLOSED,
    /** The host's key is unknown or changed: permanent, never retried. */
    HOST_KEY_REJECTED,
    /** Key authentication failed: permanent, never retried. */
    AUTH_FAILED,
    /** The host could not be reached or timed out. */
    UNREACHABLE;

    public boolean permanent() {
        return this == HOST_KEY_REJECTED || this == AUTH_FAILED;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
