package org.pgfence.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgfence switchover}'s refusals before anything is changed. What it does on a real cluster (agents pausing,
 * repmgr switching over, clients queued and resumed, the abort) is proven by the lab's TwoPhaseFencingIT.
 */
class SwitchoverCommandTest {
    @TempDir
    Path dir;

    @Test
    void aTargetThatIsNotThisNodeIsRefusedNamingWhereToRunIt() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        assertThat(f.run(new SwitchoverCommand(Map.of()), "--config", f.config.toString(), "--to", "node3")).isEqualTo(2);
        assertThat(f.err.toString()).contains("--to node3 is not this node (node2").contains("run it on node3");
    }

    @Test
    void badDurationsAreRefusedAllAtOnceNamingEachOption() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        assertThat(f.run(new SwitchoverCommand(Map.of()), "--config", f.config.toString(), "--to", "node2",
                "--pause", "soon", "--pause-wait", "0s")).isEqualTo(2);
        assertThat(f.err.toString()).contains("[--pause, --pause-wait] must be positive durations");
    }

    @Test
    void anUnreachableLocalNodeChangesNothingAndExitsFour() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        assertThat(f.run(new SwitchoverCommand(Map.of()), "--config", f.config.toString(), "--to", "node2")).isEqualTo(4);
        assertThat(f.err.toString()).contains("cannot read this node").contains("nothing changed");
    }

    @Test
    void agentsAckingBeforeRepmgrReturnsAreSaidToBeBeforeIt() {
        Instant returned = Instant.parse("2026-12-03T14:00:10Z");
        assertThat(SwitchoverCommand.relative(returned, returned.minusMillis(2500))).isEqualTo("2500 ms before repmgr returned");
        assertThat(SwitchoverCommand.relative(returned, returned.plusMillis(40))).isEqualTo("40 ms after repmgr returned");
    }
}
