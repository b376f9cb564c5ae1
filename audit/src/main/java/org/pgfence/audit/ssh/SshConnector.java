package org.pgfence.audit.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchHostKeyException;
import com.jcraft.jsch.JSchRevokedHostKeyException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.Slf4jLogger;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pgfence.audit.config.SshSettings;
import org.pgfence.process.Threads;

/**
 * Opens SSH sessions with JSch (the mwiede fork): key authentication only, strict host key checking
 * against the configured known_hosts file, always. A host whose key is unknown or changed is refused with
 * a {@link SshException.Kind#HOST_KEY} failure. All JSch use in pgfence lives in this package.
 */
public final class SshConnector implements AutoCloseable {
    private final SshSettings settings;
    private final ExecutorService readers = Executors.newCachedThreadPool(Threads.daemons("audit-ssh-reader"));

    public SshConnector(SshSettings settings) {
        this.settings = settings;
    }

    /** Connects to {@code address} within the connect timeout. */
    public SshSession connect(String address) throws SshException {
        String where = address + ":" + settings.port();
        Session session;
        try {
            JSch jsch = new JSch();
            jsch.setInstanceLogger(new Slf4jLogger());
            jsch.setKnownHosts(settings.knownHosts().toString());
            jsch.addIdentity(settings.privateKey().toString());
            session = jsch.getSession(settings.user(), address, settings.port());
        } catch (JSchException e) {
            throw new SshException(SshException.Kind.AUTH, "cannot load SSH key material ("
                    + settings.privateKey() + ", " + settings.knownHosts() + ") for " + where + ": " + e.getMessage(), e);
        }
        session.setConfig("StrictHostKeyChecking", "yes");
        session.setConfig("PreferredAuthentications", "publickey");
        session.setConfig("HashKnownHosts", "no");
        try {
            session.connect(millis(settings.connectTimeout().toMillis()));
            session.setTimeout(millis(settings.commandTimeout().toMillis()));
        } catch (JSchException e) {
            session.disconnect();
            throw classify(where, e);
        }
        return new SshSession(session, address, settings.commandTimeout(), readers);
    }

    SshException classify(String where, JSchException e) {
        if (e instanceof JSchHostKeyException) {
            return new SshException(SshException.Kind.HOST_KEY, "host key for " + where + " " + hostKeyProblem(e)
                    + " (refusing to connect): " + e.getMessage(), e);
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("auth fail") || m.contains("auth cancel") || m.contains("userauth fail")) {
            return new SshException(SshException.Kind.AUTH, "SSH key authentication as " + settings.user()
                    + " to " + where + " failed (key " + settings.privateKey() + ")", e);
        }
        if (m.contains("timeout") || m.contains("timed out")) {
            return new SshException(SshException.Kind.TIMEOUT, "SSH connect to " + where + " timed out after "
                    + settings.connectTimeout().toMillis() + "ms", e);
        }
        return new SshException(SshException.Kind.UNREACHABLE, "cannot connect to " + where + " over SSH: "
                + e.getMessage(), e);
    }

    /** What is wrong with the presented key: an unknown host and a changed key call for different actions. */
    private String hostKeyProblem(JSchException e) {
        if (e instanceof JSchChangedHostKeyException) {
            return "does not match the key in " + settings.knownHosts()
                    + " for it: the host was re-keyed or someone is impersonating it";
        }
        if (e instanceof JSchRevokedHostKeyException) {
            return "is marked @revoked in " + settings.knownHosts();
        }
        return "is not in " + settings.knownHosts();
    }

    private static int millis(long ms) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, ms));
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }
}
