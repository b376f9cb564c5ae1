package org.pgfence.audit.tracking;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.pgfence.events.AckStatus;
import org.pgfence.events.ClusterRouting;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.Epoch;
import org.pgfence.events.FormerPrimary;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;

/** Model objects for tracking and status tests. */
public final class Fixtures {
    public static final String SYSTEM = "7441234567890123456";
    public static final Instant T0 = Instant.parse("2026-11-25T20:07:15Z");
    public static final UUID EVENT = UUID.fromString("5f0c2a9e-6d1b-4c52-9a51-0d6f7b1e2c3a");
    public static final UUID DUPLICATE_EVENT = UUID.fromString("6a1d3b0f-7e2c-4d63-8b62-1e7f8c2f3d4b");

    private Fixtures() {
    }

    public static Promotion promotion(long id, int timeline, String... hosts) {
        return new Promotion(id, EVENT, "lab", new Epoch(timeline, SYSTEM), new NodeRef(2, "node2", "127.0.0.12", 5432),
                new FormerPrimary(1, "node1"), Trigger.REPMGRD_FAILOVER, T0, T0.plusMillis(5), null, List.of(hosts));
    }

    public static AckRecord ack(Long promotionId, UUID eventId, String host, AckStatus status, Integer timeline,
                                long completedAfterMs) {
        return new AckRecord(UUID.randomUUID(), eventId, promotionId, "lab", host, "agent-" + host, status,
                timeline == null ? null : new Epoch(timeline, SYSTEM), T0.plusMillis(completedAfterMs),
                status.isGood() ? null : "boom on " + host);
    }

    public static AckRecord good(long promotionId, String host, long afterMs) {
        return ack(promotionId, EVENT, host, AckStatus.APPLIED, 2, afterMs);
    }

    public static AckRecord good(long promotionId, String host, long afterMs, int timeline) {
        return ack(promotionId, EVENT, host, AckStatus.APPLIED, timeline, afterMs);
    }

    /** Every expected host of {@code p} has an agent registered; none reports routing (agents older than that). */
    public static HostReports registered(Promotion p) {
        return new HostReports(p.cluster(), Set.copyOf(p.expectedHosts()), List.of());
    }

    /** Every expected host of {@code p} registered, and these routing reports. */
    public static HostReports reporting(Promotion p, RoutingRecord... routing) {
        return new HostReports(p.cluster(), Set.copyOf(p.expectedHosts()), List.of(routing));
    }

    /**
     * What {@code host} reported it routes for "lab": rw to node2 at {@code timeline} (null: rw not open), after a
     * trigger of {@code status} {@code atMs} after T0, in a heartbeat a second later.
     */
    public static RoutingRecord routing(String host, AckStatus status, Integer timeline, long atMs) {
        boolean fenced = status == AckStatus.FENCED_CLOSED;
        Epoch epoch = timeline == null ? null : new Epoch(timeline, SYSTEM);
        DatabaseTarget rw = fenced ? new DatabaseTarget("appdb-rw", "rw", DatabaseTarget.DISABLED, null)
                : DatabaseTarget.routed("appdb-rw", "rw", new NodeRef(2, "node2", "127.0.0.12", 5432));
        ClusterRouting r = new ClusterRouting("lab", status.isGood() && !fenced ? epoch : null, epoch, fenced, status,
                T0.plusMillis(atMs), List.of(rw), status.isGood() ? null : "why " + host + " is " + status);
        return new RoutingRecord(host, r, T0.plusMillis(atMs + 1000));
    }

    public static AgentRecord agent(String host, Instant startedAt, Instant lastSeen, String... clusters) {
        return new AgentRecord(host, "agent-" + host, List.of(clusters), List.of("appdb-rw", "appdb-ro"), "0.1.0",
                startedAt, lastSeen);
    }
}
