package org.pgfence.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.runtime.Failure;

class SimpleQueryClientTest {

    @Test
    void md5IsLowercaseHex() {
        assertThat(SimpleQueryClient.md5Hex("".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    }

    @Test
    void nothingListeningIsARetriableConnectionFailure() {
        assertThatThrownBy(() -> SimpleQueryClient.connect("127.0.0.1", 1, "postgres", null, "pgbouncer",
                Duration.ofMillis(500)))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08006");
                    assertThat(e.getMessage()).contains("127.0.0.1:1");
                    assertThat(Failure.retriable(e)).isTrue();
                });
    }

    @Test
    void aMissingSocketIsARetriableConnectionFailureNamingTheSocketFile(@TempDir Path dir) {
        assertThatThrownBy(() -> SimpleQueryClient.connect(dir.toString(), 6432, "postgres", null, "pgbouncer",
                Duration.ofMillis(500)))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08006");
                    assertThat(e.getMessage()).contains("cannot connect to " + dir.resolve(".s.PGSQL.6432"));
                    assertThat(Failure.retriable(e)).isTrue();
                });
    }

    @Test
    void aSocketThatNeverAnswersTimesOutInsteadOfHanging(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".s.PGSQL.6432");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(file)); // accepts (backlog) but never answers the startup packet
            assertThatThrownBy(() -> SimpleQueryClient.connect(dir.toString(), 6432, "postgres", null, "pgbouncer",
                    Duration.ofMillis(300)))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("08006");
                        assertThat(e.getMessage()).contains("cannot log in to " + file).contains("timed out after 300 ms");
                    });
        }
    }
}
