package org.pgfence.consumer.agent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.pgfence.consumer.config.FailClosedMode;
import org.pgfence.consumer.decision.ClusterPlan;
import org.pgfence.consumer.decision.PlannedEntry;
import org.pgfence.events.AckStatus;
import org.pgfence.events.AckTimings;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.Epoch;
import org.pgfence.events.FencingAck;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.MasterPromoted;

/** Builds {@link FencingAck}s for one agent. */
public final class Acks {
    private final String host;
    private final String agentId;
    private final FailClosedMode mode;

    public Acks(String host, String agentId, FailClosedMode mode) {
        this.host = host;
        this.agentId = agentId;
        this.mode = mode;
    }

    public String agentId() {
        return agentId;
    }

    public FencingAck ack(String cluster, MasterPromoted event, AckStatus status, Epoch epoch, ClusterPlan plan,
                          String sha256, AckTimings timings, String error) {
        return new FencingAck(FencingAck.SCHEMA_VERSION, UUID.randomUUID(), event == null ? null : event.eventId(),
                cluster, host, agentId, status, epoch, plan == null ? List.of() : targets(plan), sha256, timings,
                error);
    }

    /** The answer to a {@code fencing-started}: PAUSED (or why not), carrying the intent's event id. */
    public FencingAck intent(FencingStarted intent, AckStatus status, Epoch epoch, ClusterPlan plan, Instant received,
                             Instant completed, String error) {
        return new FencingAck(FencingAck.SCHEMA_VERSION, UUID.randomUUID(), intent.eventId(), intent.cluster(), host,
                agentId, status, epoch, plan == null ? List.of() : targets(plan), null,
                new AckTimings(intent.occurredAt(), received, 0, java.time.Duration.between(received, completed).toMillis(),
                        completed), error);
    }

    public static AckTimings timings(MasterPromoted event, Instant received, long discoverMillis, long applyMillis,
                                     Instant completed) {
        return new AckTimings(event == null ? null : event.occurredAt(), received, discoverMillis, applyMillis,
                completed);
    }

    /** Where each database of {@code plan} points, as acks, heartbeats and reports say it. */
    public List<DatabaseTarget> targets(ClusterPlan plan) {
        List<DatabaseTarget> out = new ArrayList<>();
        for (PlannedEntry e : plan.entries()) {
            String role = e.database().role().wireName();
            if (e.closed()) {
                out.add(new DatabaseTarget(e.database().name(), role,
                        mode == FailClosedMode.REMOVE ? DatabaseTarget.REMOVED : DatabaseTarget.DISABLED, null));
            } else {
                out.add(DatabaseTarget.routed(e.database().name(), role, e.target()));
            }
        }
        return out;
    }
}
