package org.pgfence.producer.repmgr;

/** A conninfo string or repmgr.conf that cannot be used; the message names the offending key. */
public final class ConninfoException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConninfoException(String message) {
        super(message);
    }
}
