package org.pgfence.producer.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.pgfence.events.testing.MutableClock;
import org.pgfence.libpq.Conninfo;
import org.pgfence.runtime.Deadline;
import org.pgfence.runtime.Failure;

class LocalNodeTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T20:00:00Z"));

    @Test
    void urlIsBuiltFromHostPortAndDbname() {
        assertThat(LocalNode.url(Conninfo.parse("host=127.0.0.12 port=5432 user=repmgr dbname=repmgr")))
                .isEqualTo("jdbc:postgresql://127.0.0.12:5432/repmgr");
        assertThat(LocalNode.url(Conninfo.parse("host=::1 user=u"))).isEqualTo("jdbc:postgresql://[::1]:5432/u");
    }

    @Test
    void timeoutsAreBoundedByDeadlineAndConnectTimeout() {
        Conninfo c = Conninfo.parse("host=h user=repmgr password=pw connect_timeout=2 sslmode=require");
        Properties p = LocalNode.properties(c, Deadline.after(clock, Duration.ofSeconds(30)));
        assertThat(p).containsEntry("connectTimeout", "2").containsEntry("socketTimeout", "2")
                .containsEntry("user", "repmgr").containsEntry("password", "pw").containsEntry("sslmode", "require");
        Properties shortDeadline = LocalNode.properties(Conninfo.parse("host=h"), Deadline.after(clock,
                Duration.ofMillis(300)));
        assertThat(shortDeadline).containsEntry("connectTimeout", "1");
    }

    @Test
    void secondsRoundUpAndStayPositive() {
        assertThat(LocalNode.seconds(Deadline.after(clock, Duration.ofMillis(1001)), 10)).isEqualTo(2);
        assertThat(LocalNode.seconds(Deadline.after(clock, Duration.ZERO), 10)).isEqualTo(1);
        assertThat(LocalNode.seconds(Deadline.after(clock, Duration.ofMinutes(5)), 10)).isEqualTo(10);
    }

    @Test
    void epochQueryUsesTheCurrentWalFileNeverTheCheckpoint() {
        assertThat(LocalNode.PROBE).contains("pg_walfile_name(pg_current_wal_lsn())")
                .contains("pg_control_system()").doesNotContain("pg_control_checkpoint");
    }

    @Test
    void refusedConnectionIsARetriableSqlException() {
        LocalNode node = new LocalNode(Conninfo.parse("host=127.0.0.1 port=1 user=nobody dbname=x connect_timeout=1"));
        assertThatThrownBy(() -> node.probe(Deadline.after(java.time.Clock.systemUTC(), Duration.ofSeconds(2))))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(Failure.of(e)).isEqualTo(Failure.RETRIABLE));
    }

    @Test
    void aFailedEarlyConnectionLeavesTheProbeToConnectAfreshAndCloseQuiet() {
        LocalNode node = new LocalNode(Conninfo.parse("host=127.0.0.1 port=1 user=nobody dbname=x connect_timeout=1"));
        Deadline deadline = Deadline.after(java.time.Clock.systemUTC(), Duration.ofSeconds(2));
        node.connectEarly(deadline);
        node.connectEarly(deadline);
        assertThatThrownBy(() -> node.probe(deadline)).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(Failure.of(e)).isEqualTo(Failure.RETRIABLE));
        node.close();
        node.close();
    }
}
