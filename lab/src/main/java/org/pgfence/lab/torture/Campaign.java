package org.pgfence.lab.torture;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.pgfence.lab.drill.Writers;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.lab.drill.Fencing;

/**
 * A seeded, randomized fault campaign over a real lab (DESIGN rule 12): pgfence wired into repmgrd, an agent per
 * pgbouncer host, the auditor, and a safety writer through every pgbouncer. Each step draws one applicable
 * {@link Fault} from the seed, applies it, and dwells a seeded while; I1 and I2 are checked all along
 * ({@link Observer}). After the last step every fault is repaired and I3 (every host converges on the verified
 * primary within reconcileInterval + 5 s; every promotion complete or naming its overdue hosts) and I4 (nothing
 * the topics carried is missing from the audit store) are checked. The same seed draws the same schedule.
 */
public final class Campaign {
    static final String CLUSTER = "torture";
    static final Duration RECONCILE = Duration.ofSeconds(2);
    private static final Duration CONVERGE = RECONCILE.plusSeconds(5);
    private final Lab lab;
    private final long seed;
    private final int steps;
    private final PrintStream out;
    private final Clock clock;

    /** What a campaign found: every violation with its step, the faults applied and refused per kind. */
    public record Result(long seed, int steps, List<String> violations, Map<Fault, Integer> applied,
                         Map<Fault, Integer> refused, String observed) {
        public boolean passed() {
            return violations.isEmpty();
        }
    }

    /** promote.pause of every node's promote_command in the campaign. */
    static final Duration PROMOTE_PAUSE = Duration.ofSeconds(20);

    public Campaign(Lab lab, long seed, int steps, PrintStream out, Clock clock) {
        this.lab = lab;
        this.seed = seed;
        this.steps = steps;
        this.out = out;
        this.clock = clock;
    }

    public Result run() {
        Random random = new Random(seed);
        DrillConfigs configs = new DrillConfigs(lab, CLUSTER, "torture-" + Long.toHexString(seed), RECONCILE, false);
        Map<Fault, Integer> applied = new EnumMap<>(Fault.class);
        Map<Fault, Integer> refused = new EnumMap<>(Fault.class);
        List<String> violations = new ArrayList<>();
        try (Fencing fencing = new Fencing(lab, configs, clock).start(true, false)) {
            // every promotion repmgrd runs asks the agents to pause first (two-phase fencing of a crash), so the
            // invariants are judged with holds in play too; the schedule drawn from the seed is unchanged
            configs.promotePause(PROMOTE_PAUSE);
            out.println("repmgrd's promotions run with promote.pause " + PROMOTE_PAUSE.toSeconds() + "s");
            Nemesis nemesis = new Nemesis(lab, fencing, random);
            nemesis.startAgents();
            if (!fencing.awaitRouted("appdb-rw", nemesis.primary(), Duration.ofSeconds(90))) {
                throw new IllegalStateException("the agents did not route appdb-rw to the primary within 90 s");
            }
            try (TimelineLog timelines = new TimelineLog(lab.nodes(), clock);
                 Writers writers = new Writers(lab.pgbouncers(), clock, true);
                 Observer observer = new Observer(lab, fencing, nemesis, timelines, writers, clock)) {
                for (int step = 1; step <= steps && observer.violations().isEmpty(); step++) {
                    step(step, nemesis, observer, random, applied, refused);
                }
                observer.faultBegins("healing");
                boolean clean = observer.violations().isEmpty();
                try {
                    nemesis.healAll().forEach(h -> out.println("heal: " + h));
                } catch (RuntimeException e) { // the lab would not heal: the campaign cannot judge I3, and says so
                    violations.add("campaign: healing failed, I3 not judged: " + oneLine(e.getMessage()));
                    clean = false;
                }
                if (clean) {
                    violations.addAll(converged(nemesis, fencing, observer));
                }
                writers.close();
                observer.checkNow();
                violations.addAll(0, observer.violations());
                violations.addAll(AuditStoreCheck.missing(fencing, lab, CLUSTER));
                String observed = observer.counts() + "; timelines: " + timelines.describe() + "; client errors: "
                        + writers.totalErrors();
                return new Result(seed, steps, violations, applied, refused, observed);
            } finally {
                nemesis.liftCuts(); // whatever happened, no cut outlives the campaign
            }
        }
    }

    private void step(int step, Nemesis nemesis, Observer observer, Random random, Map<Fault, Integer> applied,
                      Map<Fault, Integer> refused) {
        List<Fault> can = new ArrayList<>();
        for (Fault f : nemesis.applicable()) { // a repair weighs three: the lab spends time healthy between faults,
            for (int w = f.repair() ? 3 : 1; w > 0; w--) { // so promotions complete and I2 has completions to judge
                can.add(f);
            }
        }
        Fault fault = can.get(random.nextInt(can.size()));
        Duration dwell = Duration.ofMillis(1000 + random.nextInt(2000));
        observer.faultBegins("step " + step + " " + fault);
        Instant began = clock.instant();
        String what;
        try {
            what = nemesis.apply(fault);
            applied.merge(fault, 1, Integer::sum);
        } catch (RuntimeException e) {
            what = "NOT APPLIED: " + e.getMessage();
            refused.merge(fault, 1, Integer::sum);
        }
        out.printf("step %d/%d %s (%d ms): %s%n    %s%n", step, steps, fault,
                Duration.between(began, clock.instant()).toMillis(), oneLine(what), nemesis.state());
        dwell(dwell); // the schedule's pause between faults, drawn from the seed
    }

    /** I3 after healing: every pgbouncer routes appdb-rw to the verified primary within {@link #CONVERGE}. */
    private List<String> converged(Nemesis nemesis, Fencing fencing, Observer observer) {
        List<String> out = new ArrayList<>();
        LabNode primary = nemesis.primary();
        Instant healed = clock.instant();
        if (!fencing.awaitRouted("appdb-rw", primary, CONVERGE)) {
            StringBuilder where = new StringBuilder();
            for (LabPgbouncer p : lab.pgbouncers()) {
                where.append(p.host()).append('=').append(Fencing.target(p, "appdb-rw")).append(' ');
            }
            out.add("I3: " + CONVERGE.toSeconds() + " s after healing not every host routes appdb-rw to "
                    + primary.name() + ": " + where.toString().strip());
        }
        this.out.printf("converged on %s in %d ms%n", primary.name(), Duration.between(healed, clock.instant()).toMillis());
        // with every agent back, the latest promotion completes (a restarted agent's reconcile ack counts); the
        // observer judges that completion (I2) while it waits
        if (!fencing.awaitTrue(Duration.ofSeconds(30), () -> latestComplete(observer.auditStatus()))) {
            out.add("I3: 30 s after healing the latest promotion is still not complete");
        }
        out.addAll(Invariants.i3Audit(observer.auditStatus()));
        out.addAll(observer.honestAudit(observer.auditStatus()));
        return out;
    }

    private static boolean latestComplete(com.fasterxml.jackson.databind.JsonNode status) {
        com.fasterxml.jackson.databind.JsonNode latest = null;
        for (com.fasterxml.jackson.databind.JsonNode p : status.path("promotions")) {
            if (latest == null || p.path("epoch").path("timeline").asInt() > latest.path("epoch").path("timeline").asInt()) {
                latest = p;
            }
        }
        return latest == null || latest.path("complete").asBoolean();
    }

    private static void dwell(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }

    private static String oneLine(String s) {
        String flat = s == null ? "" : s.replace('\n', ' ');
        return flat.length() > 400 ? flat.substring(0, 400) + "..." : flat;
    }
}
