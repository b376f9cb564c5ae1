package org.pgfence.consumer.agent;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.decision.Decider;
import org.pgfence.consumer.discovery.ClusterDiscovery;
import org.pgfence.consumer.discovery.JdbcNodeProbe;
import org.pgfence.consumer.http.Metrics;
import org.pgfence.consumer.ini.IniRenderer;
import org.pgfence.consumer.pgbouncer.PgbouncerApplier;
import org.pgfence.consumer.state.EpochStore;
import org.pgfence.consumer.state.HoldStore;
import org.pgfence.consumer.state.MaintenanceStore;
import org.pgfence.consumer.state.StatusBoard;
import org.pgfence.pgbouncer.AdminConsole;
import org.pgfence.process.Threads;
import org.pgfence.runtime.Retries;

/**
 * How one host fences itself, without Kafka: its epoch store, the probes of the cluster nodes, the planner, the
 * pgbouncer applier and the {@link Reconciler} over them. The agent runs it on every trigger; {@code pgfence apply}
 * (the auditor's SSH repair) runs it once, so a repair does exactly what the agent does, console steps included.
 */
public final class HostFencing implements AutoCloseable {
    private final EpochStore epochs;
    private final MaintenanceStore maintenance;
    private final ExecutorService probes;
    private final JdbcNodeProbe probe;
    private final AdminConsole admin;
    private final Acks acks;
    private final Reconciler reconciler;

    /** Opens the epoch store (IOException if the state dir is unusable) and builds every component. */
    public HostFencing(AgentConfig config, String agentId, StatusBoard status, Metrics metrics, Clock clock)
            throws IOException {
        epochs = EpochStore.open(config.stateDir());
        maintenance = MaintenanceStore.open(config.stateDir());
        HoldStore holds = HoldStore.open(config.stateDir());
        probes = Executors.newFixedThreadPool(Math.max(4, 2 * config.clusters().stream()
                .mapToInt(c -> c.nodes().size()).sum()), Threads.numbered("pgfence-probe"));
        probe = new JdbcNodeProbe();
        Planner planner = new Planner(config, new ClusterDiscovery(probe, probes, clock), new Decider(), epochs);
        admin = config.pgbouncer().console(config.applyTimeout());
        PgbouncerApplier applier = new PgbouncerApplier(config.pgbouncer().databaseIni(), config.pgbouncer().backups(),
                admin, Retries.of(Retries.PGBOUNCER_ADMIN, 3, Duration.ofMillis(100), Duration.ofSeconds(1)),
                config.stateDir());
        acks = new Acks(config.host(), agentId, config.failClosed());
        reconciler = new Reconciler(config, planner, new IniRenderer(config.host(), config.failClosed()), applier,
                epochs, maintenance, holds, acks, status, metrics, clock);
    }

    public EpochStore epochs() {
        return epochs;
    }

    public Acks acks() {
        return acks;
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    @Override
    public void close() {
        admin.close();
        probe.close();
        probes.shutdownNow();
    }
}
