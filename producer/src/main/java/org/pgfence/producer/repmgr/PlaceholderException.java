package org.pgfence.producer.repmgr;

/** A repmgr placeholder value ({@code %n}, {@code %t} ...) that cannot be parsed; the message names it. */
public final class PlaceholderException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public PlaceholderException(String option, String placeholder, String value, String expected) {
        super("Invalid value '" + value + "' for " + option + " (repmgr " + placeholder + "): " + expected);
    }
}
