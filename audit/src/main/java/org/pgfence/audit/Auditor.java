package org.pgfence.audit;

import io.github.resilience4j.retry.Retry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.pgfence.audit.config.AuditConfig;
import org.pgfence.audit.http.AuditMetrics;
import org.pgfence.audit.http.MetricsServer;
import org.pgfence.audit.status.StatusDocument;
import org.pgfence.audit.status.StatusHtml;
import org.pgfence.audit.status.StatusQuery;
import org.pgfence.runtime.http.Health;
import org.pgfence.audit.ingest.ConsumerLoop;
import org.pgfence.audit.ingest.RecordHandler;
import org.pgfence.audit.remediation.Remediator;
import org.pgfence.audit.remediation.RemoteRepair;
import org.pgfence.audit.ssh.SshConnector;
import org.pgfence.audit.store.AuditQueries;
import org.pgfence.audit.store.AuditStore;
import org.pgfence.audit.store.MigrationCatalog;
import org.pgfence.audit.store.SchemaMigrator;
import org.pgfence.audit.store.StoreConnector;
import org.pgfence.audit.store.StoreException;
import org.pgfence.audit.store.StoreSession;
import org.pgfence.audit.tracking.CompletionTracker;
import org.pgfence.audit.tracking.ExpectedHosts;
import org.pgfence.audit.watch.CompletionTicker;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.process.Threads;
import org.pgfence.runtime.Retries;
import org.pgfence.runtime.kafka.EventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running auditor: wires the store, the consumer loop, the completion ticker, the remediator and the
 * metrics endpoint from one {@link AuditConfig}; {@link #start()} brings them up in order and
 * {@link #close()} stops them in reverse, each wait bounded.
 */
public final class Auditor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);

    private final AuditConfig config;
    private final Clock clock;
    private final AuditMetrics metrics = new AuditMetrics();
    private final StoreConnector connector;
    private final StoreSession ingestSession;
    private final StoreSession watchSession;
    private final SshConnector ssh;
    private final EventPublisher publisher;
    private final Remediator remediator;
    private final ConsumerLoop loop;
    private final CompletionTicker ticker;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private MetricsServer http;
    private Thread consumerThread;
    private final StoreSession healthSession;
    private final AuditQueries healthQueries;
    private final StoreSession pageSession;
    private final StatusQuery pageQuery;

    public Auditor(AuditConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.connector = StoreConnector.defaults(config.store());
        this.ingestSession = new StoreSession(connector);
        this.watchSession = new StoreSession(connector);
        this.healthSession = new StoreSession(connector);
        this.healthQueries = new AuditQueries(healthSession);
        this.pageSession = new StoreSession(connector);
        this.pageQuery = new StatusQuery(new AuditQueries(pageSession),
                new CompletionTracker(config.deadline(), config.heartbeatTtl()), clock);
        AuditStore watchStore = new AuditStore(watchSession);
        AuditQueries watchQueries = new AuditQueries(watchSession);
        this.ssh = new SshConnector(config.remediation().ssh());
        this.publisher = new EventPublisher(new KafkaProducer<String, PgfenceEvent>(
                config.kafka().producer("pgfence-audit", config.deadline())), config.kafka().topics(), config.deadline());
        this.remediator = new Remediator(config.remediation(),
                new RemoteRepair(ssh), watchStore, watchQueries,
                publisher, metrics, clock, Executors.newSingleThreadExecutor(Threads.daemons("audit-remediation")));
        ExpectedHosts expected = new ExpectedHosts(config.heartbeatTtl(), config.inventory());
        RecordHandler handler = new RecordHandler(new AuditStore(ingestSession), new AuditQueries(ingestSession),
                expected, metrics, config.kafka().topics(), clock);
        this.loop = new ConsumerLoop(new KafkaConsumer<String, Decoded>(
                config.kafka().consumer("pgfence-audit", config.groupId())), config.kafka().topics(), handler,
                metrics, Duration.ofMillis(500));
        this.ticker = new CompletionTicker(watchStore, watchQueries, new CompletionTracker(config.deadline(), config.heartbeatTtl()), expected,
                remediator, metrics, clock);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.daemons("audit-ticker"));
    }

    /**
     * Migrates the store (waiting for it a bounded time), then starts consuming, checking and serving metrics.
     * Topics are not created here: the auditor only reads, and subscribing to a topic that does not exist
     * yet simply waits for it (TopicInstaller's admin close is unbounded when the broker is down).
     */
    public void start() {
        LOG.info("pgfence audit starting: {}", config.describe());
        migrate();
        http = new MetricsServer(config.http(), metrics, this::health, this::page);
        http.start();
        consumerThread = new Thread(loop, "audit-consumer");
        consumerThread.start();
        long every = config.checkInterval().toMillis();
        scheduler.scheduleWithFixedDelay(ticker, every, every, TimeUnit.MILLISECONDS);
        LOG.info("pgfence audit running; metrics on http://{}:{}/metrics", config.http().bind(), http.port());
    }

    private void migrate() {
        Retry retry = Retries.of("audit-store", 8, Duration.ofMillis(250), Duration.ofSeconds(8),
                e -> e instanceof StoreException s && s.kind() == StoreException.Kind.UNAVAILABLE);
        retry.getEventPublisher().onRetry(e -> LOG.warn("Audit store not ready (attempt {}): {}",
                e.getNumberOfRetryAttempts(), e.getLastThrowable().getMessage()));
        int version = Retry.decorateSupplier(retry,
                () -> new SchemaMigrator(connector, MigrationCatalog.builtIn(), clock).migrate()).get();
        LOG.info("Audit store {} at schema version {}", connector.describe(), version);
    }

    /**
     * {@code /health}: the store answers (on a session of its own, so a slow ticker query does not make it fail) and
     * the consumer loop runs with its partitions assigned. 503 with one line per failed check otherwise.
     */
    Health health() {
        List<String> problems = new ArrayList<>();
        try {
            healthQueries.ping();
        } catch (StoreException e) {
            problems.add("store: " + e.getMessage());
        }
        if (consumerThread == null || !consumerThread.isAlive()) {
            problems.add("consumer: the loop has stopped (see the log)");
        } else if (loop.assignedPartitions() == 0) {
            problems.add("consumer: no partition assigned (broker not reached, or the group not joined yet)");
        }
        return new Health(problems);
    }

    /** The last promotions shown by {@code /promotions}. */
    static final int PAGE_PROMOTIONS = 50;

    /** {@code /promotions}: the index; {@code /promotions/<id>}: that promotion's timeline; anything else: 404. */
    java.util.Optional<String> page(String path) {
        String rest = path.replaceFirst("^/promotions/?", "");
        if (rest.isEmpty()) {
            return java.util.Optional.of(StatusHtml.index(StatusDocument.of(pageQuery.report(null, PAGE_PROMOTIONS))));
        }
        if (!rest.matches("[0-9]{1,18}")) {
            return java.util.Optional.empty();
        }
        return pageQuery.page(Long.parseLong(rest)).map(StatusHtml::promotion);
    }

    /** The metrics port (useful when the config asks for port 0). */
    public int metricsPort() {
        return http.port();
    }

    public AuditMetrics metrics() {
        return metrics;
    }

    /** Waits at most {@code timeout} for the consumer loop to end; true if it has. */
    public boolean awaitConsumerStopped(Duration timeout) throws InterruptedException {
        return loop.awaitStopped(timeout);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        loop.shutdown();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Completion ticker still running after 5s");
            }
            if (consumerThread != null && !loop.awaitStopped(Duration.ofSeconds(10))) {
                LOG.warn("Audit consumer did not stop within 10s");
            }
            remediator.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
        ssh.close();
        if (http != null) {
            http.close();
        }
        watchSession.close();
        ingestSession.close();
        healthSession.close();
        pageSession.close();
        LOG.info("pgfence audit stopped");
    }
}
