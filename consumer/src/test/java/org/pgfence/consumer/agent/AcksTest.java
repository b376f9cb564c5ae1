package org.pgfence.consumer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.pgfence.consumer.config.DatabaseConfig;
import org.pgfence.consumer.config.FailClosedMode;
import org.pgfence.consumer.config.RoPolicy;
import org.pgfence.consumer.decision.ClusterPlan;
import org.pgfence.consumer.decision.PlannedEntry;
import org.pgfence.consumer.decision.RwDecision;
import org.pgfence.events.AckStatus;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.Epoch;
import org.pgfence.events.EventJson;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;
import org.pgfence.pgbouncer.ini.Role;

class AcksTest {
    static final Epoch E2 = new Epoch(2, "73");
    static final NodeRef NODE2 = new NodeRef(2, "node2", "127.0.0.12", 5432);
    static final DatabaseConfig RW = new DatabaseConfig("appdb-rw", "main", Role.RW, "appdb", RoPolicy.LOCAL,
            new TreeMap<>());
    static final DatabaseConfig RO = new DatabaseConfig("appdb-ro", "main", Role.RO, "appdb", RoPolicy.LOCAL,
            new TreeMap<>());

    static MasterPromoted event(int tli) {
        return new MasterPromoted(1, UUID.randomUUID(), "main", Instant.parse("2026-11-25T20:07:15Z"), "node2",
                Trigger.REPMGRD_FAILOVER, "standby_promote", NODE2, null, new Epoch(tli, "73"));
    }

    @Test
    void ackCarriesEventIdTargetsTimingsAndSurvivesTheWire() {
        ClusterPlan plan = new ClusterPlan("main", RwDecision.routed(NODE2, E2),
                List.of(new PlannedEntry(RW, NODE2), new PlannedEntry(RO, NODE2)), List.of());
        MasterPromoted event = event(2);
        Instant received = Instant.parse("2026-11-25T20:07:15.100Z");
        FencingAck ack = new Acks("node1", "node1/x", FailClosedMode.DISABLE).ack("main", event, AckStatus.APPLIED, E2,
                plan, "ab", Acks.timings(event, received, 5, 20, received.plusMillis(30)), null);
        assertThat(ack.eventId()).isEqualTo(event.eventId());
        assertThat(ack.timings().eventOccurredAt()).isEqualTo(event.occurredAt());
        assertThat(ack.targets()).containsExactly(DatabaseTarget.routed("appdb-rw", "rw", NODE2),
                DatabaseTarget.routed("appdb-ro", "ro", NODE2));
        assertThat(EventJson.fromBytes(EventJson.toBytes(ack), FencingAck.class)).isEqualTo(ack);
    }

    @Test
    void closedEntriesAreReportedDisabledOrRemovedByMode() {
        ClusterPlan plan = new ClusterPlan("main", RwDecision.fenced(E2, "x"), List.of(new PlannedEntry(RW, null)),
                List.of());
        assertThat(new Acks("h", "a", FailClosedMode.DISABLE).targets(plan)).extracting(DatabaseTarget::state)
                .containsExactly(DatabaseTarget.DISABLED);
        assertThat(new Acks("h", "a", FailClosedMode.REMOVE).targets(plan)).extracting(DatabaseTarget::state)
                .containsExactly(DatabaseTarget.REMOVED);
    }

    @Test
    void anEventBelowTheAppliedEpochOfTheSameSystemIsStale() {
        assertThat(Reconciler.stale(new Epoch(1, "73"), new Epoch(2, "73"))).isTrue();
        assertThat(Reconciler.stale(new Epoch(2, "73"), new Epoch(2, "73"))).as("a duplicate is not stale").isFalse();
        assertThat(Reconciler.stale(new Epoch(3, "73"), new Epoch(2, "73"))).isFalse();
        assertThat(Reconciler.stale(new Epoch(1, "73"), null)).isFalse();
        assertThat(Reconciler.stale(new Epoch(1, "other"), new Epoch(2, "73"))).isFalse();
    }
}
