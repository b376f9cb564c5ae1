package org.pgfence.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.producer.spool.Spool;

class NotifyCommandTest {
    @TempDir
    Path dir;

    int notify(CommandFixture f, String... placeholders) {
        String[] args = new String[placeholders.length + 2];
        args[0] = "--config";
        args[1] = f.config.toString();
        System.arraycopy(placeholders, 0, args, 2, placeholders.length);
        return f.run(new NotifyCommand(Map.of()), args);
    }

    @Test
    void uninterestingEventIsIgnoredWithExitZero() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        long start = System.nanoTime();
        assertThat(notify(f, "--node-id", "", "--event", "repmgrd_upstream_disconnect", "--success", "1",
                "--timestamp", "2026-11-25 20:07:13+0000", "--details", "unable to connect", "--primary", ""))
                .isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
    }

    @Test
    void failedPromoteEventIsIgnored() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        assertThat(notify(f, "--node-id", "2", "--event", "standby_promote", "--success", "0")).isZero();
    }

    @Test
    void unparseableTimestampIsAUsageErrorNamingThePlaceholder() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        assertThat(notify(f, "--node-id", "2", "--event", "standby_promote", "--success", "1",
                "--timestamp", "noon")).isEqualTo(2);
        assertThat(f.err.toString().strip()).startsWith("pgfence notify: Invalid value 'noon' for --timestamp (repmgr %t)")
                .doesNotContain("\n");
    }

    @Test
    void promotionOfAnotherNodeIsNotAnnouncedHere() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        assertThat(notify(f, "--node-id", "3", "--event", "repmgrd_failover_promote", "--success", "1",
                "--primary", "1")).isZero();
    }

    @Test
    void unverifiableNodeExitsFourAndSpoolsNothing() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        long start = System.nanoTime();
        assertThat(notify(f, "--node-id", "2", "--event", "repmgrd_failover_promote", "--success", "1",
                "--timestamp", "2026-11-25 20:07:15.170000+00", "--details", "node \"node2\" promoted", "--primary", "1"))
                .isEqualTo(4);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(new Spool(f.spool).hasPending()).isFalse();
    }
}
