package org.pgfence.lab.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.drill.Fencing;
import org.pgfence.lab.drill.Writers;
import org.pgfence.process.Threads;

/**
 * Checks I1 and I2 all the time, beside the nemesis, on its own thread: every successful write against the
 * timelines known when it began, and every promotion the audit newly calls complete against what each expected
 * host's pgbouncer routes right then. A completion seen after a fault began that could have changed a host (the
 * nemesis says when it last acted) is not judged: the snapshot would not be "that moment".
 */
final class Observer implements AutoCloseable {
    private static final Duration PACE = Duration.ofMillis(100);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Lab lab;
    private final Fencing fencing;
    private final TimelineLog timelines;
    private final Writers writers;
    private final Clock clock;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Set<Long> judged = new HashSet<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Instant> lastFault = new AtomicReference<>(Instant.EPOCH);
    private final AtomicLong writesJudged = new AtomicLong();
    private final AtomicLong completionsJudged = new AtomicLong();
    private final AtomicLong completionsSkipped = new AtomicLong();
    private final Map<String, Integer> unfenced = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong unfencedWrites = new AtomicLong();
    private final Nemesis nemesis;
    private final AuditStoreCheck.View store;
    private final Thread thread;
    private volatile String step = "set-up";

    Observer(Lab lab, Fencing fencing, Nemesis nemesis, TimelineLog timelines, Writers writers, Clock clock) {
        this.lab = lab;
        this.nemesis = nemesis;
        this.store = new AuditStoreCheck.View(lab);
        this.fencing = fencing;
        this.timelines = timelines;
        this.writers = writers;
        this.clock = clock;
        this.thread = Threads.start("torture-observer", this::loop);
    }

    /** The nemesis is about to act, as step {@code name}. */
    void faultBegins(String name) {
        step = name;
        lastFault.set(clock.instant());
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    String counts() {
        return writesJudged.get() + " writes judged (I1), " + unfencedWrites.get() + " of them through a pgbouncer whose"
                + " agent was down since the newer timeline appeared (" + unfenced + ", judged by the audit instead), "
                + completionsJudged.get() + " completions judged (I2), " + completionsSkipped.get()
                + " completions not judged (a fault acted in between)";
    }

    /**
     * A pgbouncer without a live agent keeps routing where it did; pgfence cannot move it, but its audit must say so:
     * for every such host that let a write reach a node below a newer timeline, the promotion of that timeline
     * names the host overdue.
     */
    List<String> honestAudit(JsonNode status) {
        List<String> out = new java.util.ArrayList<>();
        unfenced.forEach((host, timeline) -> {
            boolean named = false;
            for (JsonNode p : status.path("promotions")) {
                if (p.path("epoch").path("timeline").asInt() == timeline) {
                    for (JsonNode h : p.path("hosts")) {
                        named |= host.equals(h.path("host").asText()) && (!h.path("overdueSince").isNull()
                                && !h.path("overdueSince").isMissingNode() || "OVERDUE".equals(h.path("state").asText()));
                    }
                }
            }
            if (!named) {
                out.add("I2 (audit): " + host + " let writes reach a node below timeline " + timeline
                        + " while its agent was down, but the audit does not name it overdue for that promotion");
            }
        });
        return out;
    }

    /** Judges whatever is pending now (the campaign's end calls it once more after stopping the writers). */
    void checkNow() {
        for (Writers.Write w : writers.drain()) {
            writesJudged.incrementAndGet();
            Invariants.i1(w, timelines::highestAt).ifPresent(v -> {
                int newer = timelines.highestAt(w.began());
                if (nemesis.agentDownBetween(w.host(), timelines.firstSeen(newer).orElseThrow(), w.began())) {
                    // no agent could move this pgbouncer: it must be named by the audit instead (honestAudit)
                    unfencedWrites.incrementAndGet();
                    unfenced.merge(w.host(), newer, Math::max);
                } else {
                    violations.add("[" + step + "] " + v);
                }
            });
        }
        checkCompletions();
    }

    private void loop() {
        while (running.get()) {
            try {
                checkNow();
            } catch (RuntimeException e) {
                // a failed look (a console that is down) is not a verdict; the next look tries again
            }
            LockSupport.parkNanos(PACE.toNanos()); // the observer's pace, not a wait for a condition
        }
    }

    private void checkCompletions() {
        Instant looked = clock.instant();
        for (Invariants.Completion c : store.completions(Campaign.CLUSTER)) {
            if (judged.contains(c.id())) {
                continue;
            }
            judged.add(c.id());
            Map<String, String> targets = new LinkedHashMap<>();
            for (LabPgbouncer pgb : lab.pgbouncers()) {
                targets.put(pgb.host(), routedOrWillRoute(pgb));
            }
            boolean superseded = timelines.highestAt(looked) > c.timeline();
            if (superseded || lastFault.get().isAfter(c.completedAt())) {
                completionsSkipped.incrementAndGet();
                continue;
            }
            completionsJudged.incrementAndGet();
            Invariants.i2(c, targets).forEach(v -> violations.add("[" + step + "] " + v));
        }
    }

    /**
     * Where {@code appdb-rw} of {@code pgb} goes: what pgbouncer says, or, for a pgbouncer that is down, what its
     * database ini says (all it would route to when started; while down it routes nothing).
     */
    private static String routedOrWillRoute(LabPgbouncer pgb) {
        String target = Fencing.target(pgb, "appdb-rw");
        if (!"unreachable".equals(target)) {
            return target;
        }
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^appdb-rw = host=(\\S+) port=(\\d+)")
                    .matcher(java.nio.file.Files.readString(pgb.databaseIni()));
            return m.find() ? m.group(1) + ":" + m.group(2) : "absent from the ini of a stopped pgbouncer";
        } catch (IOException e) {
            return "unreadable ini of a stopped pgbouncer: " + e.getMessage();
        }
    }

    /** Every promotion of the campaign ({@code audit status} shows the last 10 unless asked; a long run makes more). */
    JsonNode auditStatus() {
        Fencing.AuditStatus s = fencing.auditStatus("--cluster", Campaign.CLUSTER, "--json", "--last", "10000");
        try {
            JsonNode doc = JSON.readTree(s.out());
            return doc == null ? JSON.createObjectNode() : doc;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
