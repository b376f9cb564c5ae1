package org.pgfence.audit.config;

/** A value that must never reach a log line or a console: {@link #toString()} masks it. */
public final class Secret {
    private static final Secret NONE = new Secret(null);
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return value == null ? NONE : new Secret(value);
    }

    public static Secret none() {
        return NONE;
    }

    /** The clear text, for the one place that hands it to a driver; null when unset. */
    public String reveal() {
        return value;
    }

    public boolean isSet() {
        return value != null;
    }

    @Override
    public String toString() {
        return value == null ? "(none)" : "****";
    }
}
