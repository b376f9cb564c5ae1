package org.pgfence.audit.remediation;

import java.util.Locale;

/** How one SSH remediation attempt ended; the metric label and the stored outcome are its lower-case name. */
public enum Outcome {
    /** Rendered remotely, uploaded, reloaded, and SHOW DATABASES matches. */
    APPLIED,
    /** The remote renderer failed or printed an ini that is not valid. */
    RENDER_FAILED,
    /** The upload or the rename failed; the previous ini is in place. */
    UPLOAD_FAILED,
    /** RELOAD or SHOW DATABASES failed, or pgbouncer does not run what was written. */
    RELOAD_FAILED,
    /** The rendered ini routes rw somewhere else than the promotion's new primary. */
    ROUTES_ELSEWHERE,
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
