package org.pgfence.libpq;

/** A conninfo string (or the file that holds it) that cannot be used; the message names the offending key. */
public final class ConninfoException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConninfoException(String message) {
        super(message);
    }
}
