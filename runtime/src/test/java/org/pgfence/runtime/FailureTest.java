package org.pgfence.runtime;

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
import org.junit.jupiter.params.provider.CsvSource;
import org.pgfence.process.ConfigException;

class FailureTest {

    /** The one SQLState table every pgfence process retries by: producer, agent, pgbouncer console, audit store. */
    @ParameterizedTest(name = "{0} {2} is {1}")
    @CsvSource(delimiter = '|', textBlock = """
            08000 | RETRIABLE | connection exception
            08001 | RETRIABLE | cannot establish a connection
            08006 | RETRIABLE | connection failure (pgjdbc and the console client's I/O errors)
            08P01 | RETRIABLE | protocol violation (pgbouncer: no such database, pool full, server down)
            57P01 | RETRIABLE | admin shutdown
            57P02 | RETRIABLE | crash shutdown
            57P03 | RETRIABLE | cannot connect now (starting up, in recovery)
            57P04 | RETRIABLE | database dropped
            57P05 | RETRIABLE | idle session timeout
            53300 | RETRIABLE | too many connections
            28000 | FATAL     | invalid authorization (hba refusal)
            28P01 | FATAL     | invalid password
            42501 | FATAL     | insufficient privilege
            3D000 | FATAL     | database does not exist: a retry does not create it
            42P01 | FATAL     | undefined table
            42601 | FATAL     | syntax error
            53100 | FATAL     | disk full
            XX000 | FATAL     | internal error
            """)
    void theSqlStateTable(String state, Failure expected, String meaning) {
        assertThat(Failure.of(new SQLException(meaning, state))).isEqualTo(expected);
        assertThat(Failure.sqlState(state)).isEqualTo(expected);
    }

    @Test
    void aStatelessSqlErrorIsJudgedByItsTypeOrItsCause() {
        assertThat(Failure.sqlState(null)).isNull();
        assertThat(Failure.of(new java.sql.SQLTransientConnectionException("pool"))).isEqualTo(Failure.RETRIABLE);
        assertThat(Failure.of(new SQLException("bug"))).isEqualTo(Failure.FATAL);
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
