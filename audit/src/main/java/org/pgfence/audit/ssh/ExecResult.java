package org.pgfence.audit.ssh;

/** What a remote command did: its exit status, stdout and stderr (UTF-8). */
public record ExecResult(int exitStatus, String stdout, String stderr) {

    public boolean succeeded() {
        return exitStatus == 0;
    }
}
