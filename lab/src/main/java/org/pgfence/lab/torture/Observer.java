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

/**
 * Checks I1 and I2 all the time, beside the nemesis, on its own thread: every successful write against the
 * timelines known when it began, and every promotion the audit newly calls complete against what each expected
 * host's pgbouncer routes right then. A completion seen after a fault began that could have changed a host (the
 * nemesis says when it last acted) is not judged: the snapshot would not be "that moment".
 */
final class Observer implements AutoCloseable {
    private static final Duration PACE = Duration.ofMillis(300);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Lab lab;
    private final Fencing fencing;
    private final TimelineLog timelines;
    private final SafetyWriters writers;
    private final Clock clock;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Set<Long> judged = new HashSet<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Instant> lastFault = new AtomicReference<>(Instant.EPOCH);
    private final AtomicLong writesJudged = new AtomicLong();
    private final AtomicLong completionsJudged = new AtomicLong();
    private final AtomicLong completionsSkipped = new AtomicLong();
    private final Thread thread;
    private volatile String step = "set-up";

    Observer(Lab lab, Fencing fencing, TimelineLog timelines, SafetyWriters writers, Clock clock) {
        this.lab = lab;
        this.fencing = fencing;
        this.timelines = timelines;
        this.writers = writers;
        this.clock = clock;
        this.thread = new Thread(this::loop, "torture-observer");
        this.thread.setDaemon(true);
        this.thread.start();
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
        return writesJudged.get() + " writes judged (I1), " + completionsJudged.get() + " completions judged (I2), "
                + completionsSkipped.get() + " completions not judged (a fault acted in between)";
    }

    /** Judges whatever is pending now (the campaign's end calls it once more after stopping the writers). */
    void checkNow() {
        for (SafetyWriters.Write w : writers.drain()) {
            writesJudged.incrementAndGet();
            Invariants.i1(w, timelines::highestAt).ifPresent(v -> violations.add("[" + step + "] " + v));
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
        JsonNode status = auditStatus();
        for (JsonNode p : status.path("promotions")) {
            long id = p.path("id").asLong();
            if (!p.path("complete").asBoolean() || judged.contains(id)) {
                continue;
            }
            judged.add(id);
            Map<String, String> targets = new LinkedHashMap<>();
            for (LabPgbouncer pgb : lab.pgbouncers()) {
                targets.put(pgb.host(), Fencing.target(pgb, "appdb-rw"));
            }
            boolean superseded = timelines.highestAt(looked) > p.path("epoch").path("timeline").asInt();
            Instant completed = Instant.parse(p.path("completedAt").asText());
            if (superseded || lastFault.get().isAfter(completed)) {
                completionsSkipped.incrementAndGet();
                continue;
            }
            completionsJudged.incrementAndGet();
            Invariants.i2(p, targets).forEach(v -> violations.add("[" + step + "] " + v));
        }
    }

    JsonNode auditStatus() {
        Fencing.AuditStatus s = fencing.auditStatus("--cluster", Campaign.CLUSTER, "--json");
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
    }
}
