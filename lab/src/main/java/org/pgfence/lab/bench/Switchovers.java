package org.pgfence.lab.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.pgfence.events.FencingAck;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.NodeState;
import org.pgfence.lab.drill.Fencing;

/**
 * Real promotions by {@code repmgr standby switchover}, each announced by {@code pgfence notify}
 * (standby_promote, then standby_switchover), measured from the announcement's publication to every
 * agent's ack routing appdb-rw to the new primary; then pgbouncer itself is asked (SHOW DATABASES).
 */
final class Switchovers {
    static final Duration WAIT = Duration.ofSeconds(90);

    private final Lab lab;
    private final Fencing fencing;
    private final BenchWatch watch;
    private final CpuSampler cpu;
    private final Clock clock;

    Switchovers(Lab lab, Fencing fencing, BenchWatch watch, CpuSampler cpu, Clock clock) {
        this.lab = lab;
        this.fencing = fencing;
        this.watch = watch;
        this.cpu = cpu;
        this.clock = clock;
    }

    /** Switches over to the node after the current primary (node2, node3, node1, ...) and measures it. */
    PromotionSample next(int index) {
        LabNode from = lab.currentPrimary().orElseThrow(() -> new IllegalStateException("no primary before switchover " + index));
        LabNode to = lab.node(from.id() % lab.nodes().size() + 1);
        int before = lab.probe(from.id()).map(NodeState::timeline).orElse(0);
        Instant start = clock.instant();
        long switchoverMillis = lab.switchover(to.id()).toMillis(); // the repmgr command, not repmgrd settling after it
        watch.await(WAIT, () -> announcements(before, to).size() > 0);
        List<BenchWatch.Promotion> announced = announcements(before, to);
        if (announced.isEmpty()) {
            return new PromotionSample(index, to.name(), 0, start, start, switchoverMillis, List.of(), lab.pgbouncers().size(),
                    false, null);
        }
        int timeline = announced.get(0).event().epoch().timeline();
        Instant published = announced.stream().map(BenchWatch.Promotion::seen).min(Comparator.naturalOrder()).orElseThrow();
        Instant sent = announced.stream().map(BenchWatch.Promotion::sent).min(Comparator.naturalOrder()).orElseThrow();
        watch.await(WAIT, () -> lab.pgbouncers().stream().allMatch(p -> routedAck(p, to, timeline).isPresent()));
        List<PromotionSample.HostAck> acks = new ArrayList<>();
        for (LabPgbouncer p : lab.pgbouncers()) {
            routedAck(p, to, timeline).ifPresent(a -> acks.add(PromotionSample.HostAck.of(a, published, sent)));
        }
        CpuSampler.Usage used = acks.stream().map(a -> published.plusMillis(a.fromPublishMillis()))
                .max(Comparator.naturalOrder()).flatMap(last -> cpu.usage(published, last)).orElse(null);
        boolean verified = fencing.awaitRouted("appdb-rw", to, Duration.ofSeconds(10));
        awaitSettled(to, timeline);
        return new PromotionSample(index, to.name(), timeline, published, sent, switchoverMillis, acks, lab.pgbouncers().size(),
                verified, used);
    }

    private List<BenchWatch.Promotion> announcements(int before, LabNode to) {
        return watch.promotions().stream().filter(p -> p.event().epoch().timeline() > before
                && p.event().newPrimary().name().equals(to.name())).toList();
    }

    /** The host's first good ack at the new timeline or later that routes appdb-rw to {@code to}. */
    private Optional<FencingAck> routedAck(LabPgbouncer p, LabNode to, int timeline) {
        return watch.acks().stream().filter(a -> a.host().equals(p.host()) && a.status().isGood()
                        && a.epoch() != null && a.epoch().timeline() >= timeline && to.name().equals(rw(a)))
                .min(Comparator.comparing(a -> a.timings().completedAt()));
    }

    static String rw(FencingAck a) {
        return a.targets().stream().filter(t -> t.role().equals("rw") && t.node() != null).map(t -> t.node().name())
                .findFirst().orElse(null);
    }

    /**
     * Before the next switchover: both standbys stream from the new primary, and every agent has answered
     * every announcement of this timeline (so a late duplicate does not queue in front of the next event).
     */
    private void awaitSettled(LabNode primary, int timeline) {
        watch.await(WAIT, () -> streamingStandbys(primary) == lab.nodes().size() - 1);
        Set<UUID> events = watch.promotions().stream().filter(p -> p.event().epoch().timeline() == timeline)
                .map(p -> p.event().eventId()).collect(Collectors.toSet());
        watch.await(Duration.ofSeconds(30), () -> lab.pgbouncers().stream().allMatch(p -> watch.acks().stream()
                .filter(a -> a.host().equals(p.host()) && events.contains(a.eventId()))
                .map(FencingAck::eventId).distinct().count() >= events.size()));
    }

    static int streamingStandbys(LabNode primary) {
        try (Connection c = DriverManager.getConnection(primary.jdbcUrl("postgres") + "&user=postgres");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            return -1;
        }
    }
}
