package org.pgfence.lab.fleet;

import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.pgfence.events.MasterPromoted;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabException;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.bench.CpuSampler;
import org.pgfence.lab.bench.Proc;
import org.pgfence.lab.drill.EventWatch;
import org.pgfence.lab.drill.Fencing;
import org.pgfence.process.ExitCode;

/**
 * One crash of the primary under the fleet, measured: {@code pg_ctl stop -m immediate} of the primary, repmgrd
 * promotes, {@code pgfence promote} publishes, every agent verifies and acks, the auditor completes. Then, between
 * rounds, {@link #restore} rejoins the crashed node as a standby.
 */
final class FailoverRound {
    static final Duration SETTLE = Duration.ofSeconds(60);
    static final Duration TAIL = Duration.ofSeconds(2);

    /** What a round reads and measures with. */
    record Instruments(FleetWatch watch, ConnectionSampler connections, CpuSampler cpu, AuditRows audit,
                       AuditorLag auditorLag) {
    }

    private final Lab lab;
    private final PrintStream out;
    private final Fencing fencing;
    private final List<FleetHost> hosts;
    private final Instruments in;
    private final Clock clock;

    FailoverRound(Lab lab, Fencing fencing, List<FleetHost> hosts, Instruments in, PrintStream out, Clock clock) {
        this.lab = lab;
        this.out = out;
        this.fencing = fencing;
        this.hosts = hosts;
        this.in = in;
        this.clock = clock;
    }

    /** Crashes the current primary and measures until every agent acked (or the waits ran out). */
    FleetResult.Round run(int index) {
        Crash c = crash(index);
        if (!await(SETTLE, () -> in.connections().primary(c.at(), c.old()).filter(p -> p.timeline() > c.before())
                .isPresent())) {
            return failed(index, c, null, "no node answered as primary above timeline " + c.before() + " within "
                    + SETTLE.toSeconds() + " s of the crash (repmgrd's logs are kept with the fleet's)");
        }
        LabNode promoted = in.connections().primary(c.at(), c.old()).orElseThrow().node();
        long promotedMillis = since(c.at());
        String cluster = fencing.configs().cluster();
        if (!await(SETTLE, () -> !in.watch().promotionsAbove(cluster, c.before()).isEmpty())) {
            return failed(index, c, promoted, "no master-promoted above timeline " + c.before() + " within "
                    + SETTLE.toSeconds() + " s of the promotion");
        }
        // published: the first announcement's CreateTime (its producer's send()), not when this JVM's watch saw it:
        // the watch shares this JVM with the agents, and at N = 5 already saw acks ~400 ms after the auditor had them
        EventWatch.Seen first = in.watch().promotionsAbove(cluster, c.before()).stream()
                .min(Comparator.comparing(EventWatch.Seen::sent)).orElseThrow();
        return measure(index, c, promoted, promotedMillis, first.sent(),
                ((MasterPromoted) first.event()).epoch().timeline());
    }

    /** The primary as the sampler sees it, crashed ({@code pg_ctl stop -m immediate}). */
    private Crash crash(int index) {
        ConnectionSampler.Primary current = in.connections().primary(clock.instant().minusSeconds(2), null)
                .orElseThrow(() -> new LabException(ExitCode.CHECK_FAILED, "no node answered as primary before"
                        + " promotion " + index));
        LabNode old = current.node();
        try {
            lab.awaitRepmgrdWatching(old.id(), SETTLE);
        } catch (LabException e) { // its check needs new connections; a full node refuses them, repmgrd may still act
            out.printf("   promotion %d: repmgrd's readiness not confirmed (%s); crashing %s all the same%n", index,
                    e.getMessage().lines().findFirst().orElse(""), old.name());
        }
        Instant at = clock.instant();
        lab.stopNode(old.id());
        return new Crash(old, current.timeline(), at);
    }

    private record Crash(LabNode old, int before, Instant at) {
    }

    /** Every agent's ack of {@code promoted} at {@code timeline}, the auditor's view, and what it all cost. */
    private FleetResult.Round measure(int index, Crash c, LabNode promoted, long promotedMillis, Instant published,
                                      int timeline) {
        String cluster = fencing.configs().cluster();
        Duration wait = SETTLE.plusMillis(100L * hosts.size());
        await(wait, () -> hosts.stream().allMatch(h -> in.watch().routed(h.host(), timeline, promoted.name()).isPresent()));
        List<FleetWatch.Ack> acks = hosts.stream().map(h -> in.watch().routed(h.host(), timeline, promoted.name()))
                .flatMap(Optional::stream).toList();
        Instant lastAck = acks.stream().map(a -> a.ack().timings().completedAt()).max(Comparator.naturalOrder())
                .orElse(clock.instant());
        List<Long> fencingMillis = acks.stream()
                .map(a -> Duration.between(published, a.ack().timings().completedAt()).toMillis()).toList();
        long statusComplete = await(SETTLE, () -> fencing.auditStatus("--cluster", cluster).complete())
                ? Duration.between(published, clock.instant()).toMillis() : -1;
        Audited audited = audited(cluster, timeline, published);
        LockSupport.parkNanos(Duration.between(clock.instant(), lastAck.plus(TAIL)).toNanos());
        Instant end = lastAck.plus(TAIL);
        CpuSampler.Usage cpu = in.cpu().usage(c.at(), lastAck).orElse(new CpuSampler.Usage(-1, 1, -1));
        String error = acks.size() == hosts.size() ? null : (hosts.size() - acks.size()) + " of " + hosts.size()
                + " agents did not ack " + promoted.name() + " within " + wait.toSeconds() + " s";
        return new FleetResult.Round(index, c.old().name(), promoted.name(), timeline, promotedMillis,
                Duration.between(c.at(), published).toMillis(), fencingMillis, acks.size(), hosts.size(),
                audited.completedAtMillis, statusComplete, audited.ingestMillis, in.connections().windows(c.at(), end),
                in.watch().statuses(hostNames(), c.at(), end), cpu.agentsMillis(), cpu.machineBusyPercent(), rssMb(),
                in.auditorLag().peak(c.at(), end), error);
    }

    /** The crashed node back as a standby of {@code primary} (rejoin; a fresh clone if a rewind cannot repair it). */
    void restore(String crashed, String primary) {
        LabNode node = lab.nodes().stream().filter(n -> n.name().equals(crashed)).findFirst().orElseThrow();
        LabNode upstream = lab.nodes().stream().filter(n -> n.name().equals(primary)).findFirst().orElseThrow();
        try {
            lab.rejoin(node.id(), upstream.id());
        } catch (RuntimeException e) {
            lab.reclone(node.id(), upstream.id());
        }
        if (!lab.repmgrdRunning(node.id())) {
            lab.startRepmgrd(node.id());
        }
        lab.awaitAttached(node.id(), upstream.id(), SETTLE);
        lab.awaitRepmgrdWatching(upstream.id(), SETTLE);
    }

    private record Audited(long completedAtMillis, List<Long> ingestMillis) {
    }

    /** The store's completed_at and each kept ack's ingest lag (waits up to 10 s for completion). */
    private Audited audited(String cluster, int timeline, Instant published) {
        Optional<AuditRows.Promotion> row = Optional.empty();
        Instant end = clock.instant().plusSeconds(10);
        try {
            do {
                row = in.audit().promotion(cluster, timeline);
                if (row.isPresent() && row.get().completed() != null) {
                    break;
                }
                LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
            } while (clock.instant().isBefore(end));
        } catch (SQLException e) {
            return new Audited(-1, List.of());
        }
        if (row.isEmpty()) {
            return new Audited(-1, List.of());
        }
        List<Long> ingest = new ArrayList<>();
        for (Map.Entry<UUID, Instant> r : row.get().recorded().entrySet()) {
            Instant sent = in.watch().sent(r.getKey());
            if (sent != null) {
                ingest.add(Duration.between(sent, r.getValue()).toMillis());
            }
        }
        Instant completed = row.get().completed();
        return new Audited(completed == null ? -1 : Duration.between(published, completed).toMillis(), ingest);
    }

    private FleetResult.Round failed(int index, Crash c, LabNode promoted, String error) {
        Instant now = clock.instant();
        return new FleetResult.Round(index, c.old().name(), promoted == null ? "-" : promoted.name(), 0, -1, -1,
                List.of(), 0, hosts.size(), -1, -1, List.of(), in.connections().windows(c.at(), now),
                in.watch().statuses(hostNames(), c.at(), now), -1, -1, rssMb(), in.auditorLag().peak(c.at(), now), error);
    }

    private List<String> hostNames() {
        return hosts.stream().map(FleetHost::host).toList();
    }

    static long rssMb() {
        return Proc.statusKb(ProcessHandle.current().pid(), "VmRSS:") / 1024;
    }

    /** The drill's wait (50 ms polls): one way to wait for a condition in the lab. */
    private boolean await(Duration timeout, BooleanSupplier condition) {
        return fencing.awaitTrue(timeout, condition);
    }

    private long since(Instant t) {
        return Duration.between(t, clock.instant()).toMillis();
    }
}
