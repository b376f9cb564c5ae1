package org.pgfence.lab.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgfence.lab.it.agent.AgentStage.rw;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;

/**
 * One agent alone on the lab, from a {@code master-promoted} received to its verified ack (#20: p50 <= 15 ms on a
 * quiet machine); {@link AgentFailClosedIT} measures the same applies with every agent of the lab answering the same
 * event on the same two cores. Not part of the suite (the name does not end in IT); run it with
 * {@code PGFENCE_LAB_NET=127.0.4 mvn -B -o -q -pl lab verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=AgentEventBench -Dfailsafe.failIfNoSpecifiedTests=false} (optionally {@code -Dpgfence.bench.events=N}).
 *
 * <p>As in AgentFailClosedIT: repmgrd stopped, node2 promoted by hand beside a writable node1, and node2's own
 * metadata toggled between primary and standby before each announcement, so every event makes the agent write,
 * reload and verify its ini, and either route rw to node2 or close it and cut the sessions on node1.
 */
@ExtendWith(LabExtension.class)
class AgentEventBench {

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void oneAgentAloneFromEventReceivedToVerifiedAck(Lab lab) throws Exception {
        int events = Integer.getInteger("pgfence.bench.events", 40);
        LabPgbouncer pgb = lab.pgbouncers().get(0);
        LabNode node2 = lab.node(2);
        try (AgentStage stage = AgentStage.start(lab, "agent-bench-" + UUID.randomUUID().toString().substring(0, 8),
                Duration.ofSeconds(30), List.of(pgb))) {
            assertThat(rw(stage.awaitStartAck(pgb))).isEqualTo("node1");
            lab.nodes().forEach(n -> lab.stopRepmgrd(n.id()));
            AgentStage.sql(node2, "postgres", "SELECT pg_promote()");
            await().atMost(Duration.ofSeconds(30)).until(() -> !lab.probe(2).orElseThrow().inRecovery());
            List<Latency.Apply> samples = stage.toggleNode2(node2, events, List.of(pgb));
            assertThat(samples).as("real applies").hasSizeGreaterThanOrEqualTo(events * 3 / 4);
            Latency.printApplies(samples);
        }
    }
}
