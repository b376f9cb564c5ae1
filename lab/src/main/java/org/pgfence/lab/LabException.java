package org.pgfence.lab;

import org.pgfence.process.ExitCode;

/** The lab could not do what was asked; {@link #exitCode()} says what kind of problem it is. */
public final class LabException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ExitCode exitCode;

    public LabException(ExitCode exitCode, String message) {
        this(exitCode, message, null);
    }

    public LabException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
