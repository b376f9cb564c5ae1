package org.pgfence.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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
                    assertThat(Failures.retriable(e)).isTrue();
                });
    }
}
