package org.pgfence.process;

/**
 * Exit codes of every {@code pgfence} command. Documented in the README; never renumber.
 * {@code pgfence promote} is the exception by design: it exits with the promotion's own code.
 */
public enum ExitCode {
    OK(0, "success"),
    CHECK_FAILED(1, "ran, but a check failed (audit status: a promotion is incomplete; demo: a check failed)"),
    USAGE(2, "bad command line"),
    CONFIG(3, "the configuration file is unreadable or invalid"),
    UNAVAILABLE(4, "a service the command needs (Kafka, PostgreSQL, pgbouncer, sshd) could not be reached in time"),
    ENVIRONMENT(5, "the machine lacks something (a package, root for installing it, a free address)"),
    ABORTED(6, "not done, and put back: a step's precondition failed (switchover: an agent did not pause in time)"),
    INTERNAL(70, "a bug: an unexpected exception (the log has the stack trace)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
