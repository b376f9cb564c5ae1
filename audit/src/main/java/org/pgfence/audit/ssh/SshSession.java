package org.pgfence.audit.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/** One connected SSH session: run a command with a timeout, replace a file atomically over SFTP. */
public final class SshSession implements AutoCloseable {
    private static final long EXIT_STATUS_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Session session;
    private final String address;
    private final Duration timeout;
    private final ExecutorService readers;

    SshSession(Session session, String address, Duration timeout, ExecutorService readers) {
        this.session = session;
        this.address = address;
        this.timeout = timeout;
        this.readers = readers;
    }

    /** Runs {@code command}; the whole run (output and exit status) is bounded by the command timeout. */
    public ExecResult exec(String command) throws SshException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ChannelExec channel = null;
        try {
            channel = (ChannelExec) session.openChannel("exec");
            channel.setCommand(command);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            channel.setErrStream(err, true);
            InputStream out = channel.getInputStream();
            channel.connect((int) Math.max(1, timeout.toMillis()));
            Future<byte[]> stdout = readers.submit(out::readAllBytes);
            byte[] bytes = stdout.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            awaitClosed(channel, deadline);
            return new ExecResult(channel.getExitStatus(), new String(bytes, StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            throw new SshException(SshException.Kind.TIMEOUT, "'" + command + "' on " + address
                    + " did not finish within " + timeout.toMillis() + "ms", e);
        } catch (JSchException | IOException | ExecutionException e) {
            throw new SshException(SshException.Kind.IO, "'" + command + "' on " + address + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException(SshException.Kind.IO, "interrupted running '" + command + "' on " + address, e);
        } finally {
            if (channel != null) {
                channel.disconnect();
            }
        }
    }

    /**
     * JSch sets the exit status when the server's exit-status message arrives, which may follow the end
     * of stdout; JSch has no call that waits for it, so this polls, bounded by the deadline.
     */
    private static void awaitClosed(ChannelExec channel, long deadline) throws TimeoutException {
        while (!channel.isClosed()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no exit status");
            }
            LockSupport.parkNanos(EXIT_STATUS_POLL_NANOS);
        }
    }

    /**
     * Replaces {@code target} atomically: uploads to {@code <target>.pgfence-tmp-<uuid>} in the same directory,
     * then renames over the target (OpenSSH's posix-rename; if the server refuses, {@code mv -f}).
     * The temp file is removed if anything fails.
     */
    public void replaceFile(String target, byte[] content) throws SshException {
        String tmp = target + ".pgfence-tmp-" + UUID.randomUUID();
        ChannelSftp sftp = null;
        try {
            sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect((int) Math.max(1, timeout.toMillis()));
            sftp.put(new ByteArrayInputStream(content), tmp, ChannelSftp.OVERWRITE);
            try {
                sftp.rename(tmp, target);
            } catch (SftpException renameRefused) {
                ExecResult mv = exec("mv -f '" + tmp + "' '" + target + "'");
                if (!mv.succeeded()) {
                    throw new SshException(SshException.Kind.IO, "cannot move " + tmp + " over " + target + " on "
                            + address + ": sftp rename said " + renameRefused.getMessage() + ", mv said "
                            + mv.stderr().strip(), renameRefused);
                }
            }
            tmp = null;
        } catch (JSchException | SftpException e) {
            throw new SshException(SshException.Kind.IO, "cannot upload " + target + " to " + address + ": " + e, e);
        } finally {
            if (sftp != null) {
                removeQuietly(sftp, tmp);
                sftp.disconnect();
            }
        }
    }

    private static void removeQuietly(ChannelSftp sftp, String tmp) {
        if (tmp == null) {
            return;
        }
        try {
            sftp.rm(tmp);
        } catch (SftpException ignored) {
            // nothing was left behind, or the failure is already being reported
        }
    }

    @Override
    public void close() {
        session.disconnect();
    }
}
