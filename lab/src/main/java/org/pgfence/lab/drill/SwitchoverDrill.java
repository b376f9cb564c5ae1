package org.pgfence.lab.drill;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pgfence.events.FencingAck;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.MasterPromoted;
import org.pgfence.lab.Exec;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;

/**
 * The planned-switchover drill behind {@code pgfence demo --switchover} (two-phase fencing): writers commit every
 * 20 ms through every pgbouncer, in transaction pooling ({@value DrillConfigs#TX_DATABASE}) and in session pooling
 * ({@code appdb-rw}), while {@code pgfence switchover --to NODE} runs as postgres on that node. It reports the move's
 * timeline (fencing-started, each host's PAUSED ack, master-promoted, each host's ack on the new primary) and, per
 * pgbouncer, what its clients saw: errors and the longest a single write took.
 * <p>
 * Its checks are two-phase fencing's promise for transaction pooling: no client error, no write waiting longer than
 * repmgr's own switchover plus a second, every pgbouncer on the new primary, and no write on the old primary after
 * the move. Session-pooling clients are reported, not checked: a connected session holds its server, so the pause
 * drains only by cutting it after {@code pauseDrainTimeout} (one error per held session, by design).
 * The fencing's configs must route {@value DrillConfigs#TX_DATABASE} ({@link DrillConfigs#withTransactionPool()}).
 */
public final class SwitchoverDrill {
    static final Duration PAUSE_WAIT = Duration.ofSeconds(20);
    private static final Pattern REPMGR_MILLIS = Pattern.compile("switched over in (\\d+) ms");

    private final Fencing fencing;
    private final DrillReport report;
    private final Clock clock;

    /** What the run left for a caller that checks more than the report: the command's exit code and output. */
    public record Outcome(int exitCode, String output, long repmgrMillis) {
    }

    public SwitchoverDrill(Fencing fencing, DrillReport report, Clock clock) {
        this.fencing = fencing;
        this.report = report;
        this.clock = clock;
    }

    /** Switches the cluster over to {@code target}, a standby, with writers running; the lab settles afterwards. */
    public Outcome run(LabNode target) {
        Lab lab = fencing.lab();
        LabNode old = lab.currentPrimary().orElseThrow(() -> new IllegalStateException("no primary to switch over from"));
        lab.awaitRepmgrdWatching(old.id(), Duration.ofSeconds(60));
        if (!FailoverDrill.agentsUp(fencing, report, old)) {
            return new Outcome(-1, "", 0);
        }
        String cluster = fencing.configs().cluster();
        try (Writers tx = new Writers(lab.pgbouncers(), clock, true, DrillConfigs.TX_DATABASE, 60);
             Writers session = new Writers(lab.pgbouncers(), clock, true, "appdb-rw", 60)) {
            boolean flowing = fencing.awaitTrue(Duration.ofSeconds(20), () -> tx.stats().stream().allMatch(s -> s.inserted() >= 5)
                    && session.stats().stream().allMatch(s -> s.inserted() >= 5));
            if (!report.check("writes flowing", flowing, "transaction pooling " + tx.stats() + ", session pooling "
                    + session.stats())) {
                return new Outcome(-1, "", 0);
            }
            tx.drain();
            session.drain();
            Instant t0 = clock.instant();
            report.zero(t0);
            report.at(t0, "pgfence switchover --to " + target.name() + " (as postgres on " + target.name() + "; "
                    + old.name() + " is the primary)");
            Exec.Result run = fencing.switchover(target, PAUSE_WAIT);
            Instant returned = clock.instant();
            long repmgrMillis = repmgrMillis(run.output());
            boolean routed = fencing.awaitRouted(DrillConfigs.TX_DATABASE, target, Duration.ofSeconds(30))
                    && fencing.awaitRouted("appdb-rw", target, Duration.ofSeconds(10));
            // writes after the move: every client has had its chance to stall, fail or go through
            long txBefore = tx.totalInserted();
            long sessionBefore = session.totalInserted();
            fencing.awaitTrue(Duration.ofSeconds(30), () -> tx.totalInserted() >= txBefore + 5L * lab.pgbouncers().size()
                    && session.totalInserted() >= sessionBefore + 5L * lab.pgbouncers().size());
            Instant end = clock.instant();
            timeline(cluster, t0, returned);
            run.output().lines().forEach(l -> report.note("| " + l));
            List<Writers.ClientError> txErrors = tx.errorsBetween(t0, end);
            List<Writers.ClientError> sessionErrors = session.errorsBetween(t0, end);
            Map<String, Duration> txLongest = tx.longestWrite();
            Map<String, Duration> sessionLongest = session.longestWrite();
            long onOld = backOnOld(tx.drain(), old, target) + backOnOld(session.drain(), old, target);
            report.check("pgfence switchover", run.exitCode() == 0 && repmgrMillis > 0, "exit " + run.exitCode()
                    + ", repmgr standby switchover took " + repmgrMillis + " ms, the command " + Duration.between(t0,
                    returned).toMillis() + " ms");
            report.check("every pgbouncer on " + target.name(), routed, lab.pgbouncers().stream().map(p -> p.host()
                    + " appdb-tx -> " + Fencing.target(p, DrillConfigs.TX_DATABASE)).toList().toString());
            report.check("transaction pooling: no client error", txErrors.isEmpty(), txErrors.size() + " errors"
                    + txErrors.stream().limit(3).map(e -> "; " + e.host() + ": " + e.message()).reduce("", String::concat));
            long worst = txLongest.values().stream().mapToLong(Duration::toMillis).max().orElse(0);
            report.check("transaction pooling: longest stall within the switchover + 1 s", repmgrMillis > 0
                    && worst <= repmgrMillis + 1000, worst + " ms against " + repmgrMillis + " + 1000 ms");
            report.check("no write on " + old.name() + " after the first on " + target.name(), onOld == 0, onOld
                    + " writes (of every writer, both poolings, in the order each completed)");
            report.note("session pooling: " + sessionErrors.size() + " client errors (a held session is cut once the"
                    + " pause has drained for pauseDrainTimeout)" + sessionErrors.stream().map(Writers.ClientError::message)
                    .distinct().limit(2).map(s -> "; " + s).reduce("", String::concat));
            report.columns("host", "tx errors", "tx longest ms", "session errors", "session longest ms", "appdb-tx",
                    "appdb-rw");
            for (LabPgbouncer p : lab.pgbouncers()) {
                report.row(p.host(), count(txErrors, p), millis(txLongest, p), count(sessionErrors, p),
                        millis(sessionLongest, p), Fencing.target(p, DrillConfigs.TX_DATABASE), Fencing.target(p, "appdb-rw"));
            }
            lab.settleAfterSwitchover(target.id());
            return new Outcome(run.exitCode(), run.output(), repmgrMillis);
        }
    }

    /** The move as Kafka and the agents saw it, in time order, relative to the command's start. */
    private void timeline(String cluster, Instant t0, Instant returned) {
        record Line(Instant at, String what) {
        }
        List<Line> lines = new ArrayList<>();
        Optional<FencingStarted> intent = fencing.watch().events(FencingStarted.class, f -> f.cluster().equals(cluster)
                && f.intent() == FencingStarted.Intent.SWITCHOVER && f.occurredAt().isAfter(t0)).stream().findFirst();
        intent.ifPresent(f -> lines.add(new Line(fencing.watch().seenAt(f), "fencing-started " + f.eventId()
                + " on Kafka (switchover to " + f.candidate().name() + ", pause until +"
                + Duration.between(t0, f.pauseUntil()).toMillis() + " ms)")));
        intent.ifPresent(f -> fencing.pausedAt(f.eventId()).forEach((host, at) -> lines.add(new Line(at, host
                + " paused its rw databases (ack PAUSED)"))));
        java.util.Set<String> moved = new java.util.HashSet<>();
        for (FencingAck a : fencing.watch().events(FencingAck.class, a -> a.cluster().equals(cluster)
                && a.timings().receivedAt().isAfter(t0))) {
            if (a.status().isGood() && intent.isPresent() && a.epoch() != null
                    && a.epoch().timeline() > intent.get().epoch().timeline() && moved.add(a.host())) {
                lines.add(new Line(a.timings().completedAt(), a.host() + " routes rw to " + FailoverDrill.rwOf(a)
                        + " and resumed (ack " + a.status() + ", timeline " + a.epoch().timeline() + ")"));
            }
        }
        fencing.watch().events(MasterPromoted.class, e -> e.cluster().equals(cluster) && e.occurredAt().isAfter(t0))
                .stream().min(Comparator.comparing(e -> fencing.watch().seenAt(e))).ifPresent(e -> lines.add(new Line(
                        fencing.watch().seenAt(e), "master-promoted on Kafka (" + e.newPrimary().name() + ", timeline "
                        + e.epoch().timeline() + ", " + e.trigger() + ")")));
        lines.add(new Line(returned, "pgfence switchover returned"));
        lines.stream().sorted(Comparator.comparing(Line::at)).forEach(l -> report.at(l.at(), l.what()));
    }

    /** repmgr's own duration as {@code pgfence switchover} prints it ("switched over in N ms"), or 0 when it did not. */
    public static long repmgrMillis(String output) {
        Matcher m = REPMGR_MILLIS.matcher(output);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * How many of each writer's writes landed on {@code old} after its first write on {@code target}. The old primary's
     * rows cannot say it: once demoted it replays the new primary's writes.
     */
    static long backOnOld(List<Writers.Write> writes, LabNode old, LabNode target) {
        long back = 0;
        for (String host : writes.stream().map(Writers.Write::host).distinct().toList()) {
            boolean moved = false;
            for (Writers.Write w : writes) {
                if (w.host().equals(host)) {
                    moved |= w.server().equals(target.address());
                    back += moved && w.server().equals(old.address()) ? 1 : 0;
                }
            }
        }
        return back;
    }

    private static String count(List<Writers.ClientError> errors, LabPgbouncer p) {
        return Long.toString(errors.stream().filter(e -> e.host().equals(p.host())).count());
    }

    private static String millis(Map<String, Duration> longest, LabPgbouncer p) {
        return Long.toString(longest.getOrDefault(p.host(), Duration.ZERO).toMillis());
    }
}
