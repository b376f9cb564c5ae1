package org.pgfence.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pgfence.pgbouncer.AdminConsole;
import org.pgfence.pgbouncer.PoolerDatabase;
import org.pgfence.runtime.Failure;

/**
 * The agent's admin client against a real pgbouncer 1.18 that asks for a password: {@code auth_type} md5 and
 * scram-sha-256 (the default of current PostgreSQL setups), with the admin user's password in the auth_file, over
 * TCP and over the Unix socket in {@code unix_socket_dir}. The agent must log in, read SHOW DATABASES and RELOAD
 * with the right password, and fail with pgbouncer's own reason, not retried, with a wrong one. A standalone
 * pgbouncer on a spare lab address; no cluster needed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class PgbouncerAuthIT {
    private static final String ADDRESS =
            System.getenv().getOrDefault("PGFENCE_LAB_NET", LabExtension.TEST_NET) + ".240";
    private static final int PORT = 6499;
    private static final String PASSWORD = "fence-Me-1";
    private Path dir;

    @BeforeAll
    static void packages() {
        Packages.ensureInstalled();
    }

    @AfterEach
    void stop() throws IOException {
        if (dir != null) {
            Daemons.stop(dir.resolve("pgbouncer.pid"), "pgbouncer", Duration.ofSeconds(10));
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The auth_file holds the password itself, or (the usual production form, copied from pg_authid) a SCRAM secret
     * that pgbouncer verifies the agent's proof against without knowing the password.
     */
    @ParameterizedTest(name = "auth_type = {0}, auth_file holds {1}")
    @CsvSource({"scram-sha-256, password", "scram-sha-256, scram-secret", "md5, password"})
    void theAgentLogsInWithThePasswordAndIsRefusedWithoutIt(String authType, String stored) throws Exception {
        start(authType, "admin", stored.equals("scram-secret") ? scramSecret(PASSWORD) : PASSWORD, null);
        for (String host : new String[] {ADDRESS, dir.toString()}) { // TCP, then the Unix socket in unix_socket_dir
            try (AdminConsole admin = admin(host, PASSWORD)) {
                assertThat(admin.showDatabases()).as(host).extracting(PoolerDatabase::name)
                        .contains("appdb-rw", "pgbouncer");
                admin.reload();
            }
            try (AdminConsole admin = admin(host, "wrong-" + PASSWORD)) {
                // pgbouncer's words: "SASL authentication failed" (scram), "password authentication failed" (md5)
                assertThatThrownBy(admin::showDatabases).as(host).isInstanceOf(SQLException.class)
                        .hasMessageContaining("pgbouncer refused the login of 'admin'")
                        .hasMessageContaining("authentication failed")
                        .satisfies(e -> assertThat(Failure.retriable(e)).as("a wrong password is not retried")
                                .isFalse());
            }
            try (AdminConsole admin = admin(host, null)) {
                assertThatThrownBy(admin::showDatabases).as(host).isInstanceOf(SQLException.class)
                        .hasMessageContaining("none is configured");
            }
        }
        List<String> logins = Files.readAllLines(dir.resolve("pgbouncer.log")).stream()
                .filter(l -> l.contains("login attempt: db=pgbouncer user=admin")).toList();
        assertThat(logins).filteredOn(l -> l.contains("pgbouncer/admin@unix(")).hasSize(3);
        assertThat(logins).filteredOn(l -> !l.contains("pgbouncer/admin@unix(")).hasSize(3);
        assertThat(Files.readString(dir.resolve("pgbouncer.log"))).doesNotContain("bad packet");
    }

    /**
     * The setup that needs no password at all: {@code auth_type = hba} with a {@code local ... peer} line, so
     * pgbouncer trusts the OS user of the process at the other end of its Unix socket (the agent's user, here the
     * test's), which must also be listed in the auth_file. Over TCP the same user has no hba line and is rejected.
     */
    @org.junit.jupiter.api.Test
    void overTheUnixSocketPeerAuthenticationNeedsNoPassword() throws Exception {
        String me = System.getProperty("user.name");
        start("hba", me, PASSWORD, "local pgbouncer " + me + " peer\n");
        try (AdminConsole admin = admin(dir.toString(), me, null)) {
            assertThat(admin.showDatabases()).extracting(PoolerDatabase::name).contains("appdb-rw");
            admin.reload();
        }
        try (AdminConsole admin = admin(ADDRESS, me, null)) {
            // refused before any password is asked for, with pgbouncer's own words (and its SQLSTATE 08P01)
            assertThatThrownBy(admin::showDatabases).isInstanceOf(SQLException.class)
                    .hasMessageContaining("pgbouncer refused the login of '" + me + "': ERROR: login rejected")
                    .hasMessageContaining("auth_hba_file")
                    .satisfies(e -> assertThat(Failure.retriable(e)).as("an hba refusal is not retried").isFalse());
        }
    }

    /**
     * The most common slip with the admin console: the agent's user is not in admin_users. pgbouncer says only
     * "not allowed", before it asks for a password, as 08P01; the agent names the setting and does not retry.
     */
    @org.junit.jupiter.api.Test
    void aUserMissingFromAdminUsersIsToldSoAndNotRetried() throws Exception {
        start("scram-sha-256", "admin", PASSWORD, null);
        for (String host : new String[] {ADDRESS, dir.toString()}) {
            try (AdminConsole admin = admin(host, "pgfence", PASSWORD)) {
                assertThatThrownBy(admin::showDatabases).as(host).isInstanceOf(SQLException.class)
                        .hasMessageContaining("refused the login of 'pgfence': ERROR: not allowed (SQLSTATE 08P01)")
                        .hasMessageContaining("admin_users")
                        .satisfies(e -> assertThat(Failure.retriable(e)).as(host + " not retried").isFalse());
            }
        }
    }

    private static AdminConsole admin(String host, String password) {
        return admin(host, "admin", password);
    }

    private static AdminConsole admin(String host, String user, String password) {
        return new AdminConsole(host, PORT, user, password, Duration.ofSeconds(3));
    }

    /**
     * A PostgreSQL-format SCRAM-SHA-256 secret of {@code password}, computed with the JDK's own PBKDF2 (not the
     * agent's code): {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}.
     */
    static String scramSecret(String password) throws GeneralSecurityException {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 4096, 256)).getEncoded();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salted, "HmacSHA256"));
        byte[] storedKey = MessageDigest.getInstance("SHA-256")
                .digest(mac.doFinal("Client Key".getBytes(StandardCharsets.UTF_8)));
        byte[] serverKey = mac.doFinal("Server Key".getBytes(StandardCharsets.UTF_8));
        Base64.Encoder b64 = Base64.getEncoder();
        return "SCRAM-SHA-256$4096:" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey) + ":"
                + b64.encodeToString(serverKey);
    }

    private void start(String authType, String adminUser, String adminSecret, String hba) throws IOException {
        dir = Files.createTempDirectory("pgfence-pgbouncer-auth");
        // pgbouncer 1.18 rejects even a peer login of a user its auth_file does not list; the password is unused.
        // "pgfence" is a known user outside admin_users (an unknown one fails the password check, whatever it is).
        Files.writeString(dir.resolve("userlist.txt"), "\"admin\" \"" + adminSecret + "\"\n"
                + "\"pgfence\" \"" + PASSWORD + "\"\n"
                + (adminUser.equals("admin") ? "" : "\"" + adminUser + "\" \"\"\n"));
        Files.writeString(dir.resolve("hba.conf"), hba == null ? "" : hba);
        Files.writeString(dir.resolve("pgbouncer.ini"), """
                [databases]
                appdb-rw = host=%1$s port=5432 dbname=appdb

                [pgbouncer]
                listen_addr = %1$s
                listen_port = %2$d
                unix_socket_dir = %3$s
                logfile = %3$s/pgbouncer.log
                pidfile = %3$s/pgbouncer.pid
                auth_type = %4$s
                auth_file = %3$s/userlist.txt
                auth_hba_file = %3$s/hba.conf
                admin_users = %5$s
                log_connections = 1
                """.formatted(ADDRESS, PORT, dir, authType, adminUser));
        Lab.chownToPostgres(dir);
        Exec.asPostgres(Duration.ofSeconds(20), "/usr/sbin/pgbouncer", "-d", "-q",
                        dir.resolve("pgbouncer.ini").toString())
                .orThrow("pgbouncer with auth_type " + authType);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(PgbouncerAuthIT::listening);
    }

    private static boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ADDRESS, PORT), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
