package org.pgfence.lab.drill;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgfence.events.AckStatus;
import org.pgfence.events.FencingAck;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.NodeState;

/**
 * The failover drill behind {@code pgfence demo}: writes flow through every pgbouncer, the primary is
 * crashed, repmgrd promotes, pgfence fences, the old primary comes back as a stale primary, and the drill
 * proves no write landed on it after fencing completed (the safety check).
 */
public final class FailoverDrill {
    static final Duration SETUP = Duration.ofSeconds(90);
    static final Duration FENCING = Duration.ofSeconds(30);

    private final Fencing fencing;
    private final DrillReport report;
    private final Clock clock;
    private final Duration promotePause;

    public FailoverDrill(Fencing fencing, DrillReport report, Clock clock) {
        this(fencing, report, clock, Duration.ZERO);
    }

    /**
     * With {@code promotePause} above zero every node's {@code pgfence promote} runs with {@code promote.pause}
     * (two-phase fencing of the crash): the drill then says when each host paused, and which client errors came after.
     */
    public FailoverDrill(Fencing fencing, DrillReport report, Clock clock, Duration promotePause) {
        this.fencing = fencing;
        this.report = report;
        this.clock = clock;
        this.promotePause = promotePause;
    }

    public DrillReport run() throws InterruptedException {
        Lab lab = fencing.lab();
        LabNode old = lab.node(1);
        String cluster = fencing.configs().cluster();
        fencing.start(true);
        if (!promotePause.isZero()) {
            fencing.configs().promotePause(promotePause);
        }
        report.at(clock.instant(), "started the auditor and " + lab.pgbouncers().size() + " agents (separate JVMs); repmgrd wired to pgfence promote/notify"
                + (promotePause.isZero() ? "" : " with promote.pause " + promotePause.toSeconds() + "s"));
        if (!agentsUp(fencing, report, old)) {
            return report;
        }
        boolean txPool = fencing.configs().transactionPool();
        try (Writers writers = new Writers(lab.pgbouncers(), clock);
             Writers tx = new Writers(txPool ? lab.pgbouncers() : List.of(), clock, false, DrillConfigs.TX_DATABASE, 60)) {
            fencing.awaitTrue(Duration.ofSeconds(20), () -> writers.stats().stream().allMatch(s -> s.inserted() >= 5)
                    && tx.stats().stream().allMatch(s -> s.inserted() >= 5));
            report.at(clock.instant(), "writes flowing through appdb-rw on every pgbouncer: " + writers.stats()
                    + (txPool ? "; and through " + DrillConfigs.TX_DATABASE + " (transaction pooling, 60 s client timeout)" : ""));
            Instant t0 = clock.instant();
            report.zero(t0);
            lab.stopNode(old.id());
            report.at(clock.instant(), old.name() + " killed (pg_ctl stop -m immediate)");
            Optional<LabNode> promoted = awaitPromotion(lab, old);
            if (promoted.isEmpty()) {
                report.check("repmgrd promotes", false, "no single new primary within 20 s");
                return report;
            }
            LabNode primary = promoted.get();
            Optional<MasterPromoted> event = awaitEvent(cluster);
            if (event.isEmpty()) {
                report.check("master-promoted published", false, "no event with a timeline above 1 within " + FENCING.toSeconds() + " s");
                return report;
            }
            MasterPromoted e = event.get();
            Map<String, Instant> pausedAt = reportPauses(cluster, t0);
            Instant published = fencing.watch().seenAt(e);
            report.at(e.occurredAt(), "promotion announced by " + e.sourceHost() + " happened (" + e.trigger()
                    + ", the event's occurredAt)");
            report.at(published, "master-promoted published by " + e.sourceHost() + " (first seen on Kafka; epoch "
                    + e.epoch() + ", new primary " + e.newPrimary().name() + ", event " + e.eventId() + ")");
            List<FencingAck> acks = awaitAcks(lab, cluster, e, published);
            Instant completedAt = reportCompletion(cluster, e, published, acks);
            Instant restarted = restartStale(lab, old, primary);
            boolean routed = fencing.awaitRouted("appdb-rw", primary, Duration.ofSeconds(5));
            long afterRestart = rowsSince(old, completedAt);
            boolean rechecked = awaitReconciles(lab, cluster, restarted, 2);
            long atEnd = rowsSince(old, completedAt);
            boolean stillRouted = fencing.awaitRouted("appdb-rw", primary, Duration.ofSeconds(1));
            report.at(clock.instant(), "writes still landing only on " + primary.name() + ": rows on " + old.name()
                    + " after completion = " + afterRestart + " (after restart), " + atEnd + " (after 2 reconciles)");
            report.check("agents re-checked with the stale primary up", rechecked,
                    "every agent reconciled twice after " + old.name() + " came back");
            report.check("stale primary never routed", routed && stillRouted,
                    "every pgbouncer's appdb-rw -> " + primary.address() + " after " + old.name() + " came back");
            report.check("safety: no write on the old primary after fencing completed", afterRestart == 0 && atEnd == 0,
                    afterRestart + " / " + atEnd + " rows");
            List<Writers.ClientError> errors = writers.errorsBetween(t0, completedAt == null ? clock.instant() : completedAt);
            report.note("client errors during the failover window (writers retry every 20 ms): " + errors.size()
                    + errors.stream().map(Writers.ClientError::at).min(Comparator.naturalOrder())
                        .map(first -> ", from +" + Duration.between(t0, first).toMillis() + " ms to +"
                                + Duration.between(t0, errors.stream().map(Writers.ClientError::at)
                                        .max(Comparator.naturalOrder()).orElse(first)).toMillis() + " ms")
                        .orElse(""));
            if (txPool) {
                reportTransactionPool(tx.errorsBetween(t0, completedAt == null ? clock.instant() : completedAt), t0,
                        pausedAt);
            }
            summarize(lab, published, acks, writers, txPool ? tx : null, primary);
        }
        return report;
    }

    /** The check "agents up": every agent acked a good reconcile, and every pgbouncer routes appdb-rw to {@code primary}. */
    static boolean agentsUp(Fencing fencing, DrillReport report, LabNode primary) {
        Lab lab = fencing.lab();
        boolean registered = fencing.watch().await(SETUP, () -> lab.pgbouncers().stream().allMatch(p ->
                !fencing.watch().events(FencingAck.class, a -> a.host().equals(p.host()) && a.status().isGood()).isEmpty()));
        return report.check("agents up", registered && fencing.awaitRouted("appdb-rw", primary, Duration.ofSeconds(10)),
                "every agent reconciled on start and routes appdb-rw to " + primary.name());
    }

    private Optional<LabNode> awaitPromotion(Lab lab, LabNode old) {
        try {
            LabNode primary = lab.awaitSinglePrimary(old.id(), Duration.ofSeconds(20));
            report.at(clock.instant(), "repmgrd promoted " + primary.name() + " (timeline "
                    + lab.probe(primary.id()).map(NodeState::timeline).orElse(0) + ")");
            return Optional.of(primary);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The first announcement published (seen on Kafka) of a timeline above 1. */
    private Optional<MasterPromoted> awaitEvent(String cluster) {
        fencing.watch().await(FENCING, () -> !promotions(cluster).isEmpty());
        return promotions(cluster).stream().min(Comparator.comparing(m -> fencing.watch().seenAt(m)));
    }

    private List<MasterPromoted> promotions(String cluster) {
        return fencing.watch().events(MasterPromoted.class, m -> m.cluster().equals(cluster) && m.epoch().timeline() > 1);
    }

    private List<FencingAck> awaitAcks(Lab lab, String cluster, MasterPromoted e, Instant published) {
        fencing.watch().await(FENCING, () -> lab.pgbouncers().stream().allMatch(p -> goodAck(cluster, p, e).isPresent()));
        List<FencingAck> acks = lab.pgbouncers().stream().map(p -> goodAck(cluster, p, e)).flatMap(Optional::stream).toList();
        for (FencingAck a : acks.stream().sorted(Comparator.comparing(a -> a.timings().completedAt())).toList()) {
            // at the agent's completedAt (pgbouncer verified), as "fencing complete" below, so the timeline reads in
            // order; when the ack itself reached Kafka is said after it
            Instant done = a.timings().completedAt();
            report.at(done, "ack " + a.host() + " " + a.status() + " rw=" + rwOf(a) + " (" + relative(published, done)
                    + "; on Kafka " + Duration.between(done, fencing.watch().seenAt(a)).toMillis() + " ms later)");
        }
        report.check("every host acked", acks.size() == lab.pgbouncers().size(), acks.size() + "/" + lab.pgbouncers().size()
                + " good acks at epoch >= " + e.epoch().timeline());
        return acks;
    }

    private Optional<FencingAck> goodAck(String cluster, LabPgbouncer p, MasterPromoted e) {
        return fencing.watch().events(FencingAck.class, a -> a.cluster().equals(cluster) && a.host().equals(p.host())
                && a.status().isGood() && a.epoch() != null && a.epoch().timeline() >= e.epoch().timeline()).stream().findFirst();
    }

    /** The node the ack routes rw to, or "closed". */
    public static String rwOf(FencingAck a) {
        return a.targets().stream().filter(t -> t.role().equals("rw") && t.node() != null).map(t -> t.node().name())
                .findFirst().orElse("closed");
    }

    private Instant reportCompletion(String cluster, MasterPromoted e, Instant published, List<FencingAck> acks) {
        boolean complete = fencing.awaitTrue(FENCING, () -> fencing.auditStatus("--cluster", cluster).complete());
        Instant completedAt = acks.stream().map(a -> a.timings().completedAt()).max(Comparator.naturalOrder()).orElse(clock.instant());
        report.at(completedAt, "fencing complete: last ack " + relative(published, completedAt) + ", "
                + Duration.between(e.occurredAt(), completedAt).toMillis() + " ms after the promotion (the auditor agrees: "
                + (complete ? "complete" : "NOT complete") + ")");
        report.check("auditor says complete", complete, "pgfence audit status --cluster " + cluster + " exits 0");
        return completedAt;
    }

    private boolean awaitReconciles(Lab lab, String cluster, Instant since, int times) {
        Duration budget = fencing.configs().reconcile().multipliedBy(times + 2).plus(FENCING);
        return fencing.watch().await(budget, () -> lab.pgbouncers().stream().allMatch(p -> fencing.watch()
                .events(FencingAck.class, a -> a.cluster().equals(cluster) && a.host().equals(p.host())
                        && a.timings().receivedAt().isAfter(since)).size() >= times));
    }

    private Instant restartStale(Lab lab, LabNode old, LabNode primary) {
        lab.startNode(old.id());
        Instant restarted = clock.instant();
        String state = lab.probe(old.id()).map(p -> "pg_is_in_recovery=" + p.inRecovery() + ", timeline " + p.timeline())
                .orElse("not answering");
        report.at(clock.instant(), old.name() + " restarted as a stale primary (" + state + "; " + primary.name()
                + " is on timeline " + lab.probe(primary.id()).map(NodeState::timeline).orElse(0) + ")");
        return restarted;
    }

    static long rowsSince(LabNode node, Instant since) {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("appdb") + "&user=postgres");
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM t WHERE at > ?")) {
            ps.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            return -1;
        }
    }

    /**
     * When {@code at} was relative to the announcement's publication. An agent may verify the new primary on its
     * own fail-closed re-check before the announcement reaches it: that ack comes "before publication".
     */
    static String relative(Instant published, Instant at) {
        long ms = Duration.between(published, at).toMillis();
        return ms >= 0 ? ms + " ms after publication" : -ms + " ms before publication, on its own re-check";
    }

    /** {@link #relative} for the summary's "ack after pub" column: "15 ms", or "243 ms before". */
    static String column(Instant published, Instant at) {
        long ms = Duration.between(published, at).toMillis();
        return ms >= 0 ? ms + " ms" : -ms + " ms before";
    }

    /**
     * With promote.pause: the intent {@code pgfence promote} published and each host's PAUSED ack, in the timeline;
     * returns when each host paused.
     */
    private Map<String, Instant> reportPauses(String cluster, Instant t0) {
        Optional<FencingStarted> intent = fencing.watch().events(FencingStarted.class, f -> f.cluster().equals(cluster)
                && f.intent() == FencingStarted.Intent.PROMOTION && f.occurredAt().isAfter(t0)).stream().findFirst();
        if (intent.isEmpty()) {
            if (!promotePause.isZero()) {
                report.note("no fencing-started from pgfence promote seen: clients were not paused");
            }
            return Map.of();
        }
        FencingStarted f = intent.get();
        report.at(fencing.watch().seenAt(f), "fencing-started on Kafka (pgfence promote on " + f.sourceHost()
                + ", before it promotes " + f.candidate().name() + ")");
        for (FencingAck a : fencing.watch().events(FencingAck.class, a -> f.eventId().equals(a.eventId())
                && a.status() != AckStatus.PAUSED)) {
            report.note(a.host() + " answered the intent " + a.status() + (a.error() == null ? "" : ": " + a.error()));
        }
        Map<String, Instant> pausedAt = fencing.pausedAt(f.eventId());
        pausedAt.forEach((host, at) -> report.at(at, host + " paused its rw databases (ack PAUSED)"));
        return pausedAt;
    }

    /**
     * What transaction-pool clients saw: errors from the crash to fencing complete, and, with a pause, how many came
     * after their host's PAUSED ack ({@link Writers.ClientError#afterPause}).
     */
    private void reportTransactionPool(List<Writers.ClientError> errors, Instant t0, Map<String, Instant> pausedAt) {
        long afterPause = Writers.ClientError.afterPause(errors, pausedAt).size();
        report.note("transaction pooling: " + errors.size() + " client errors from the crash to fencing complete"
                + errors.stream().map(Writers.ClientError::at).max(Comparator.naturalOrder())
                        .map(last -> " (last at +" + Duration.between(t0, last).toMillis() + " ms)").orElse("")
                + (pausedAt.isEmpty() ? "" : ", " + afterPause + " of them after their pgbouncer paused"));
        if (!promotePause.isZero()) {
            report.check("transaction pooling: no client error after its pgbouncer paused", pausedAt.size()
                    == fencing.lab().pgbouncers().size() && afterPause == 0, pausedAt.size() + " of "
                    + fencing.lab().pgbouncers().size() + " pgbouncers paused, " + afterPause + " errors after");
        }
    }

    private void summarize(Lab lab, Instant published, List<FencingAck> acks, Writers writers, Writers tx,
                           LabNode primary) {
        if (tx == null) {
            report.columns("host", "ack", "ack after pub", "appdb-rw", "rows", "errors", "longest write ms");
        } else {
            report.columns("host", "ack", "ack after pub", "appdb-rw", "rows", "errors", "longest write ms",
                    "tx rows", "tx errors", "tx longest ms");
        }
        Map<String, Duration> longest = writers.longestWrite();
        for (LabPgbouncer p : lab.pgbouncers()) {
            Optional<FencingAck> ack = acks.stream().filter(a -> a.host().equals(p.host())).findFirst();
            Writers.Stats stats = writers.stats().stream().filter(s -> s.host().equals(p.host())).findFirst()
                    .orElse(new Writers.Stats(p.host(), 0, 0));
            List<Object> cells = new java.util.ArrayList<>(List.of(p.host(), ack.map(a -> a.status().name()).orElse("none"),
                    ack.map(a -> column(published, a.timings().completedAt())).orElse("-"),
                    Fencing.target(p, "appdb-rw"), stats.inserted(), stats.errors(),
                    longest.getOrDefault(p.host(), Duration.ZERO).toMillis()));
            if (tx != null) {
                Writers.Stats t = tx.stats().stream().filter(s -> s.host().equals(p.host())).findFirst()
                        .orElse(new Writers.Stats(p.host(), 0, 0));
                cells.addAll(List.of(t.inserted(), t.errors(), tx.longestWrite().getOrDefault(p.host(), Duration.ZERO)
                        .toMillis()));
            }
            report.row(cells.toArray());
        }
        report.note("topics: " + new Topics(fencing.configs().topicPrefix()).promotions() + ", acks, agents; new primary " + primary.name());
    }
}
