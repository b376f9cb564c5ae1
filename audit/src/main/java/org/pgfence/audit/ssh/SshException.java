package org.pgfence.audit.ssh;

/**
 * An SSH failure, classified once: {@link Kind#HOST_KEY} and {@link Kind#AUTH} are permanent (retrying
 * cannot help, the host is reported); {@link Kind#UNREACHABLE}, {@link Kind#TIMEOUT} and {@link Kind#IO}
 * may pass.
 */
public final class SshException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        HOST_KEY, AUTH, UNREACHABLE, TIMEOUT, IO;

        public boolean permanent() {
            return this == HOST_KEY || this == AUTH;
        }
    }

    private final Kind kind;

    public SshException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
