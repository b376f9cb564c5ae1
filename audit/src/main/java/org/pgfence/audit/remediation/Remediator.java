package org.pgfence.audit.remediation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.pgfence.audit.config.RemediationSettings;
import org.pgfence.audit.config.RemoteHost;
import org.pgfence.audit.http.AuditMetrics;
import org.pgfence.audit.store.AuditQueries;
import org.pgfence.audit.store.AuditStore;
import org.pgfence.audit.store.RemediationRecord;
import org.pgfence.audit.tracking.AckRecord;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.events.AckStatus;
import org.pgfence.events.AckTimings;
import org.pgfence.events.FencingAck;
import org.pgfence.runtime.LogContext;
import org.pgfence.runtime.kafka.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether an overdue host is repaired over SSH and runs the repair on its own executor, one
 * repair per (promotion, host) at a time, at most {@code maxAttempts} attempts spaced by {@link AttemptPolicy},
 * none after a permanent failure (unknown host key, failed authentication). Each attempt is stored as a remediation row and as
 * a {@code fencing-ack} from agent {@code audit}, which is also published to the acks topic.
 */
public final class Remediator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Remediator.class);

    private final RemediationSettings settings;
    private final RemoteRepair repair;
    private final AuditStore store;
    private final AuditQueries queries;
    private final EventPublisher publisher;
    private final AuditMetrics metrics;
    private final Clock clock;
    private final ExecutorService executor;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    public Remediator(RemediationSettings settings, RemoteRepair repair, AuditStore store, AuditQueries queries,
                      EventPublisher publisher, AuditMetrics metrics, Clock clock, ExecutorService executor) {
        this.settings = settings;
        this.repair = repair;
        this.store = store;
        this.queries = queries;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
        this.executor = executor;
    }

    /**
     * Called for each overdue host on each check; starts a repair when one is due. {@code inMaintenance}: the
     * promotion's cluster is paused ({@code pgfence pause}), read once per check by the caller.
     */
    public void consider(Promotion promotion, String host, boolean inMaintenance) {
        if (!settings.enabled()) {
            return;
        }
        String key = promotion.id() + "/" + host;
        if (inMaintenance) {
            // the operator's hand wins (DESIGN rule 11): a repair runs the host's own 'pgfence apply', which would
            // change nothing anyway; say why nothing is done instead of failing attempts
            reportOnce(key, "cluster " + promotion.cluster() + " is in maintenance (pgfence pause); host " + host
                    + " is not repaired until 'pgfence resume'");
            return;
        }
        RemoteHost remote = settings.host(host).orElse(null);
        if (remote == null) {
            reportOnce(key, "no remediation.hosts entry for host " + host + "; cannot repair it over SSH");
            return;
        }
        List<RemediationRecord> past = queries.remediations(promotion.id()).stream()
                .filter(r -> r.host().equals(host)).toList();
        AttemptPolicy.Decision d = AttemptPolicy.decide(past, settings.ssh().maxAttempts(), clock.instant());
        if (d.waiting()) {
            return;
        }
        if (!d.attempt()) {
            reportOnce(key, d.reason());
            return;
        }
        if (!inFlight.add(key)) {
            return;
        }
        try {
            executor.execute(() -> run(promotion, remote, past.size() + 1, key));
        } catch (RejectedExecutionException e) {
            inFlight.remove(key);
        }
    }

    private void run(Promotion promotion, RemoteHost host, int attempt, String key) {
        try (LogContext log = LogContext.with(LogContext.CLUSTER, promotion.cluster()).and(LogContext.HOST, host.name())
                .and(LogContext.EVENT_ID, promotion.firstEventId())) {
            Instant started = clock.instant();
            LOG.warn("Remediating overdue host {} over SSH for promotion #{} (attempt {} of {})", host.name(),
                    promotion.id(), attempt, settings.ssh().maxAttempts());
            RepairResult result = repair.repair(promotion, host);
            record(promotion, host, attempt, started, result);
        } catch (RuntimeException ex) {
            LOG.error("Remediation of {} for promotion #{} failed unexpectedly", host.name(), promotion.id(), ex);
        } finally {
            inFlight.remove(key);
        }
    }

    private void record(Promotion promotion, RemoteHost host, int attempt, Instant started, RepairResult result) {
        Instant done = clock.instant();
        metrics.remediation(result.outcome().label());
        store.recordRemediation(new RemediationRecord(promotion.id(), host.name(), attempt,
                result.outcome().name(), result.error(), done));
        FencingAck ack = ack(promotion, host, started, done, result);
        store.recordAck(ack, done, done);
        if (result.outcome() == Outcome.APPLIED) {
            LOG.info("Remediated {} for promotion #{}: `pgfence apply` on the host routed it, verified",
                    host.name(), promotion.id());
        } else {
            LOG.warn("Remediation attempt {} of {} for promotion #{}: {}: {}", attempt, host.name(), promotion.id(),
                    result.outcome(), result.error());
        }
        try {
            publisher.publish(ack);
        } catch (EventPublisher.PublishException ex) {
            LOG.warn("{}; the ack is stored in the audit store", ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted publishing the ack of {}; it is stored in the audit store", host.name());
        }
    }

    static FencingAck ack(Promotion p, RemoteHost host, Instant started, Instant done, RepairResult r) {
        boolean applied = r.outcome() == Outcome.APPLIED;
        AckStatus status = applied ? AckStatus.APPLIED
                : r.outcome() == Outcome.FENCED_CLOSED ? AckStatus.FENCED_CLOSED : AckStatus.FAILED;
        return new FencingAck(FencingAck.SCHEMA_VERSION, UUID.randomUUID(), p.firstEventId(), p.cluster(),
                host.name(), AckRecord.AUDIT_AGENT, status,
                applied ? p.epoch() : null, r.targets(), r.configSha256(),
                new AckTimings(p.occurredAt(), started, 0, Duration.between(started, done).toMillis(), done),
                applied ? null : r.outcome().label() + ": " + r.error());
    }

    private void reportOnce(String key, String message) {
        if (reported.add(key)) {
            LOG.error("Overdue host not remediated ({}): {}", key, message);
        }
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("A remediation still runs after 10s; leaving it to be cut off by exit");
        }
    }
}
