package org.pgfence.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.pgfence.process.ExitCode;

/**
 * A key-only sshd on port 2222 of every lab address, with a generated ed25519 host key, a client key
 * the postgres user owns, and a known_hosts file so strict host-key checking works (facts §3, P10).
 */
final class Sshd {
    private final LabLayout layout;

    Sshd(LabLayout layout) {
        this.layout = layout;
    }

    /** OpenSSH keeps at most 16 listen sockets per sshd ("Too many listen sockets"): one sshd per 15 addresses. */
    static final int ADDRESSES_PER_SSHD = 15;

    private int instances() {
        return (layout.sshAddresses().size() + ADDRESSES_PER_SSHD - 1) / ADDRESSES_PER_SSHD;
    }

    Path pidFile(int instance) {
        return layout.sshDir().resolve(instance == 0 ? "sshd.pid" : "sshd-" + instance + ".pid");
    }

    Path config(int instance) {
        return layout.sshDir().resolve(instance == 0 ? "sshd_config" : "sshd_config-" + instance);
    }

    void configure() {
        Path dir = layout.sshDir();
        try {
            Files.createDirectories(dir.resolve("client"));
            Files.createDirectories(Path.of("/run/sshd"));
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot create " + dir + ": " + e.getMessage(), e);
        }
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        Exec.run(Duration.ofSeconds(20), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pgfence-lab-host",
                "-f", hostKey.toString()).orThrow("ssh-keygen (host key)");
        Exec.run(Duration.ofSeconds(20), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pgfence-lab-client",
                "-f", layout.clientKey().toString()).orThrow("ssh-keygen (client key)");
        String hostPub = read(hostKey.resolveSibling("ssh_host_ed25519_key.pub")).trim();
        String hostKeyPart = hostPub.substring(0, hostPub.lastIndexOf(' '));
        PostgresCluster.write(layout.knownHosts(), layout.sshAddresses().stream()
                .map(a -> "[" + a + "]:" + LabLayout.SSH_PORT + " " + hostKeyPart)
                .collect(Collectors.joining("\n", "", "\n")));
        PostgresCluster.write(dir.resolve("authorized_keys"), read(layout.clientKey().resolveSibling("id_ed25519.pub")));
        List<String> addresses = layout.sshAddresses();
        for (int i = 0; i < instances(); i++) {
            PostgresCluster.write(config(i), """
                    Port %1$d
                    %2$s
                    HostKey %3$s
                    PidFile %4$s
                    AuthorizedKeysFile %5$s/authorized_keys
                    StrictModes no
                    PubkeyAuthentication yes
                    PasswordAuthentication no
                    KbdInteractiveAuthentication no
                    PermitRootLogin no
                    AllowUsers postgres
                    UsePAM yes
                    PrintMotd no
                    LogLevel VERBOSE
                    MaxStartups 100:30:200
                    Subsystem sftp /usr/lib/openssh/sftp-server
                    """.formatted(LabLayout.SSH_PORT, addresses.subList(i * ADDRESSES_PER_SSHD, Math.min(addresses.size(), (i + 1) * ADDRESSES_PER_SSHD))
                    .stream().map(a -> "ListenAddress " + a)
                    .collect(Collectors.joining("\n")), hostKey, pidFile(i), dir));
        }
        PostgresCluster.write(layout.sshConfig(), """
                Host *
                  Port %d
                  User postgres
                  IdentityFile %s
                  IdentitiesOnly yes
                  UserKnownHostsFile %s
                  StrictHostKeyChecking yes
                  BatchMode yes
                """.formatted(LabLayout.SSH_PORT, layout.clientKey(), layout.knownHosts()));
        Lab.chownToPostgres(dir.resolve("client"));
        try {
            Files.setPosixFilePermissions(layout.clientKey(), PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(hostKey, PosixFilePermissions.fromString("rw-------"));
            Exec.run(Duration.ofSeconds(5), "chown", "root:root", hostKey.toString()).orThrow("chown host key");
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot protect ssh keys: " + e.getMessage(), e);
        }
    }

    void start() {
        for (int i = 0; i < instances(); i++) {
            start(i);
        }
    }

    private void start(int i) {
        Path config = config(i);
        Exec.run(Duration.ofSeconds(10), "/usr/sbin/sshd", "-t", "-f", config.toString()).orThrow("sshd -t");
        Exec.run(Duration.ofSeconds(10), "/usr/sbin/sshd", "-f", config.toString(), "-E",
                layout.sshDir().resolve(i == 0 ? "sshd.log" : "sshd-" + i + ".log").toString()).orThrow("sshd");
    }

    void stop() {
        for (int i = 0; i < instances(); i++) {
            Daemons.stop(pidFile(i), "sshd", Duration.ofSeconds(10));
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
