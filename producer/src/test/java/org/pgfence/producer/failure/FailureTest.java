package org.pgfence.producer.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pgfence.process.ConfigException;

class FailureTest {

    @ParameterizedTest
    @ValueSource(strings = {"28P01", "28000", "3D000", "42P01", "42501", "XX000"})
    void authWrongDatabaseAndMissingSchemaAreFatal(String state) {
        assertThat(Failure.of(new SQLException("x", state))).isEqualTo(Failure.FATAL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"08001", "08006", "08P01", "57P01", "57P03", "53300"})
    void connectionFailuresAndShutdownsAreRetriable(String state) {
        assertThat(Failure.of(new SQLException("x", state))).isEqualTo(Failure.RETRIABLE);
    }

    @Test
    void ioFailuresAreRetriableEvenWhenWrapped() {
        assertThat(Failure.of(new ConnectException("refused"))).isEqualTo(Failure.RETRIABLE);
        assertThat(Failure.of(new SQLException("io", null, new IOException("reset")))).isEqualTo(Failure.RETRIABLE);
        assertThat(Failure.of(new ExecutionException(new IOException("x")))).isEqualTo(Failure.RETRIABLE);
    }

    @Test
    void kafkaRetriableAndTimeoutAreRetriableAuthIsFatal() {
        assertThat(Failure.of(new TimeoutException("metadata"))).isEqualTo(Failure.RETRIABLE);
        assertThat(Failure.of(new ExecutionException(new NetworkException("gone")))).isEqualTo(Failure.RETRIABLE);
        assertThat(Failure.of(new SaslAuthenticationException("bad password"))).isEqualTo(Failure.FATAL);
        assertThat(Failure.of(new TopicAuthorizationException("denied"))).isEqualTo(Failure.FATAL);
    }

    @Test
    void configAndBugsAreFatal() {
        assertThat(Failure.of(new ConfigException("f", List.of("bad")))).isEqualTo(Failure.FATAL);
        assertThat(Failure.of(new IllegalStateException("bug"))).isEqualTo(Failure.FATAL);
        assertThat(Failure.retriable(new NullPointerException())).isFalse();
    }
}
