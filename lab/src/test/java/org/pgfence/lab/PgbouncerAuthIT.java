package org.pgfence.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pgfence.consumer.config.PgbouncerConfig;
import org.pgfence.consumer.internal.Failures;
import org.pgfence.consumer.pgbouncer.PgbouncerAdmin;
import org.pgfence.consumer.pgbouncer.PoolerDatabase;

/**
 * The agent's admin client against a real pgbouncer 1.18 that asks for a password: {@code auth_type} md5 and
 * scram-sha-256 (the default of current PostgreSQL setups), with the admin user's password in the auth_file. The
 * agent must log in, read SHOW DATABASES and RELOAD with the right password, and fail with pgbouncer's own reason,
 * not hang or retry forever, with a wrong one. A standalone pgbouncer on a spare lab address; no cluster needed.
 */
class PgbouncerAuthIT {
    private static final String ADDRESS = System.getenv().getOrDefault("PGFENCE_LAB_NET", LabExtension.TEST_NET) + ".240";
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

    @ParameterizedTest(name = "auth_type = {0}")
    @ValueSource(strings = {"scram-sha-256", "md5"})
    void theAgentLogsInWithThePasswordAndIsRefusedWithoutIt(String authType) throws Exception {
        start(authType);
        try (PgbouncerAdmin admin = admin(PASSWORD)) {
            assertThat(admin.showDatabases()).extracting(PoolerDatabase::name).contains("appdb-rw", "pgbouncer");
            admin.reload();
        }
        try (PgbouncerAdmin admin = admin("wrong-" + PASSWORD)) {
            // pgbouncer's words: "SASL authentication failed" (scram), "password authentication failed" (md5)
            assertThatThrownBy(admin::showDatabases).isInstanceOf(SQLException.class)
                    .hasMessageContaining("pgbouncer refused the login of 'admin'")
                    .hasMessageContaining("authentication failed")
                    .satisfies(e -> assertThat(Failures.retriable(e)).as("a wrong password is not retried").isFalse());
        }
        try (PgbouncerAdmin admin = admin(null)) {
            assertThatThrownBy(admin::showDatabases).isInstanceOf(SQLException.class)
                    .hasMessageContaining("none is configured");
        }
        assertThat(Files.readString(dir.resolve("pgbouncer.log"))).contains("login attempt: db=pgbouncer user=admin");
    }

    private static PgbouncerAdmin admin(String password) {
        return new PgbouncerAdmin(new PgbouncerConfig(ADDRESS, PORT, "admin", password, Path.of("/nonexistent"), false),
                Duration.ofSeconds(3));
    }

    private void start(String authType) throws IOException {
        dir = Files.createTempDirectory("pgfence-pgbouncer-auth");
        Files.writeString(dir.resolve("userlist.txt"), "\"admin\" \"" + PASSWORD + "\"\n");
        Files.writeString(dir.resolve("pgbouncer.ini"), """
                [databases]
                appdb-rw = host=%1$s port=5432 dbname=appdb

                [pgbouncer]
                listen_addr = %1$s
                listen_port = %2$d
                unix_socket_dir =
                logfile = %3$s/pgbouncer.log
                pidfile = %3$s/pgbouncer.pid
                auth_type = %4$s
                auth_file = %3$s/userlist.txt
                admin_users = admin
                log_connections = 1
                """.formatted(ADDRESS, PORT, dir, authType));
        Lab.chownToPostgres(dir);
        Exec.asPostgres(Duration.ofSeconds(20), "/usr/sbin/pgbouncer", "-d", "-q", dir.resolve("pgbouncer.ini").toString())
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
