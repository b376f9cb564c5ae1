package org.pgfence.audit.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    @Override
    public void close() {
        session.disconnect();
    }
}
