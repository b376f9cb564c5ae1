package org.pgfence.consumer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.config.AgentConfigLoader;
import org.pgfence.consumer.decision.ClusterPlan;
import org.pgfence.consumer.decision.Decider;
import org.pgfence.consumer.decision.RwDecision;
import org.pgfence.consumer.discovery.ClusterDiscovery;
import org.pgfence.consumer.discovery.JdbcNodeProbe;
import org.pgfence.consumer.http.Metrics;
import org.pgfence.consumer.ini.IniRenderer;
import org.pgfence.consumer.pgbouncer.PgbouncerApplier;
import org.pgfence.consumer.state.EpochStore;
import org.pgfence.consumer.state.HoldStore;
import org.pgfence.consumer.state.MaintenanceStore;
import org.pgfence.consumer.state.StatusBoard;
import org.pgfence.events.AckStatus;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.Epoch;
import org.pgfence.events.FencingAck;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.MaintenanceMode;
import org.pgfence.events.testing.MutableClock;
import org.pgfence.pgbouncer.AdminConsole;
import org.pgfence.pgbouncer.ini.IniEntry;
import org.pgfence.process.ConfigReader;
import org.pgfence.runtime.Retries;

/**
 * The reconciler wired with real components pointed at addresses where nothing listens: no node
 * reachable, pgbouncer's console down. (Reachable nodes and a live pgbouncer are the lab ITs' job.)
 */
class ReconcilerTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T20:07:16Z"));
    private ExecutorService executor;
    private JdbcNodeProbe probe;
    private AdminConsole admin;
    private EpochStore epochs;
    private MaintenanceStore maintenance;
    private final StatusBoard status = new StatusBoard();
    private final Metrics metrics = new Metrics();

    @BeforeEach
    void start() {
        executor = Executors.newFixedThreadPool(2);
        probe = new JdbcNodeProbe();
    }

    @AfterEach
    void stop() {
        probe.close();
        if (admin != null) {
            admin.close();
        }
        executor.shutdownNow();
    }

    private Reconciler reconciler(Path ini) throws Exception {
        AgentConfig config = AgentConfigLoader.from(ConfigReader.of("test", Map.of(
                "host", "node1",
                "kafka", Map.of("bootstrapServers", "127.0.0.1:1"),
                "clusters", List.of(Map.of("name", "main", "connectTimeout", "500ms",
                        "nodes", List.of(Map.of("host", "127.0.0.1", "port", "1")))),
                "databases", List.of(Map.of("name", "appdb-rw", "cluster", "main", "role", "rw", "dbname", "appdb")),
                "pgbouncer", Map.of("databaseIni", ini.toString(), "admin", Map.of("port", "1")),
                "stateDir", dir.resolve("state").toString()), Map.of()));
        epochs = EpochStore.open(config.stateDir());
        admin = config.pgbouncer().console(Duration.ofMillis(500));
        PgbouncerApplier applier = new PgbouncerApplier(ini, true, admin,
                Retries.of(Retries.PGBOUNCER_ADMIN, 2, Duration.ofMillis(1), Duration.ofMillis(2)), dir.resolve("state"));
        Planner planner = new Planner(config, new ClusterDiscovery(probe, executor, clock), new Decider(), epochs);
        maintenance = MaintenanceStore.open(dir.resolve("state"));
        return new Reconciler(config, planner, new IniRenderer("node1", config.failClosed()), applier, epochs,
                maintenance, HoldStore.open(dir.resolve("state")), new Acks("node1", "node1/test", config.failClosed()),
                status, metrics, clock);
    }

    @Test
    void staleEventIsRejectedWithoutTouchingAnything() throws Exception {
        Path ini = dir.resolve("db.ini");
        Reconciler r = reconciler(ini);
        epochs.raise("main", new Epoch(3, "73"));
        FencingAck ack = r.onEvent(AcksTest.event(2), clock.instant());
        assertThat(ack.status()).isEqualTo(AckStatus.REJECTED_STALE);
        assertThat(ack.epoch()).isEqualTo(new Epoch(3, "73"));
        assertThat(ini).doesNotExist();
        assertThat(metrics.prometheus()).contains("pgfence_agent_applies_total{status=\"REJECTED_STALE\"} 1");
    }

    @Test
    void anAnnouncedEpochBecomesTheFloorOfEveryLaterReconcileAndSurvivesARestart() throws Exception {
        Path ini = dir.resolve("db.ini");
        Reconciler r = reconciler(ini);
        epochs.rebuilt();
        r.onEvent(AcksTest.event(2), clock.instant());
        assertThat(epochs.floor("main")).as("raised by the event, though nothing was applied")
                .contains(AcksTest.event(2).epoch());
        assertThat(EpochStore.open(dir.resolve("state")).floor("main")).as("persisted before the ack")
                .contains(AcksTest.event(2).epoch());
        FencingAck stale = r.onEvent(AcksTest.event(1), clock.instant());
        assertThat(stale.status()).isEqualTo(AckStatus.REJECTED_STALE);
    }

    static MaintenanceMode mode(boolean paused, Instant at) {
        return new MaintenanceMode(1, java.util.UUID.randomUUID(), "main", at, "dba1", "postgres@dba1", paused,
                paused ? "kernel upgrade" : null);
    }

    @Test
    void aPausedClusterIsObservedAndAckedButNothingIsWrittenUntilTheResume() throws Exception {
        Path ini = dir.resolve("db.ini");
        String before = "[databases]\nappdb-rw = host=127.0.0.11 port=5432 dbname=appdb\n";
        Files.writeString(ini, before);
        Reconciler r = reconciler(ini);
        assertThat(r.maintenance(mode(true, clock.instant()))).isTrue();

        FencingAck paused = r.onEvent(AcksTest.event(2), clock.instant()); // nothing verifies: would close rw
        assertThat(paused.status()).isEqualTo(AckStatus.MAINTENANCE);
        assertThat(paused.error()).contains("paused by operator postgres@dba1").contains("kernel upgrade")
                .contains("would route: rw closed");
        assertThat(Files.readString(ini)).as("the operator's hand wins").isEqualTo(before);
        assertThat(epochs.floor("main")).as("the announced floor rises all the same").contains(AcksTest.event(2).epoch());
        assertThat(MaintenanceStore.open(dir.resolve("state")).pause("main")).as("persisted").isPresent();

        assertThat(r.maintenance(mode(false, clock.instant().minusSeconds(5)))).as("an older resume is ignored").isFalse();
        assertThat(r.maintenance(mode(false, clock.instant().plusSeconds(1)))).isTrue();
        FencingAck resumed = r.reconcile("main", clock.instant());
        assertThat(resumed.status()).isNotEqualTo(AckStatus.MAINTENANCE);
        assertThat(Files.readString(ini)).contains("appdb-rw = host=" + IniEntry.FENCED_HOST);
    }

    @Test
    void withPgbouncerDownTheFailClosedIniIsStillWrittenAndTheAckFails() throws Exception {
        Path ini = dir.resolve("db.ini");
        Files.writeString(ini, "[databases]\nappdb-rw = host=127.0.0.11 port=5432 dbname=appdb\n");
        FencingAck ack = reconciler(ini).reconcile("main", clock.instant());
        assertThat(ack.status()).isEqualTo(AckStatus.FAILED);
        assertThat(ack.eventId()).isNull();
        assertThat(ack.error()).contains("pgbouncer admin postgres@127.0.0.1:1").contains("RELOAD");
        assertThat(ack.targets()).containsExactly(new DatabaseTarget("appdb-rw", "rw", DatabaseTarget.DISABLED, null));
        assertThat(Files.readString(ini)).contains("appdb-rw = host=" + IniEntry.FENCED_HOST);
        assertThat(dir.resolve("db.ini.prev")).content().contains("host=127.0.0.11");
        assertThat(status.all()).singleElement().satisfies(s -> {
            assertThat(s.fencedClosed()).isTrue();
            assertThat(s.lastStatus()).isEqualTo(AckStatus.FAILED);
        });
        assertThat(status.routing()).as("what the next heartbeat reports").singleElement().satisfies(r -> {
            assertThat(r.cluster()).isEqualTo("main");
            assertThat(r.epoch()).isNull();
            assertThat(r.fencedClosed()).isTrue();
            assertThat(r.status()).isEqualTo(AckStatus.FAILED);
            assertThat(r.reason()).contains("pgbouncer admin postgres@127.0.0.1:1");
            assertThat(r.at()).isEqualTo(ack.timings().completedAt());
        });
    }

    @Test
    void aFencedClosedAckCarriesTheFloorItHoldsOutForNotTheHighestReachableTimeline() {
        Epoch reachable = new Epoch(1, "73");
        Epoch floor = new Epoch(2, "73");
        ClusterPlan fenced = new ClusterPlan("main", RwDecision.fenced(reachable,
                "the highest reachable timeline 1 is below the epoch floor " + floor), List.of(), List.of());
        assertThat(Reconciler.ackEpoch(fenced, floor)).isEqualTo(floor);
        assertThat(Reconciler.ackEpoch(fenced, null)).as("floor unknown: what is there").isEqualTo(reachable);
        ClusterPlan routed = new ClusterPlan("main", RwDecision.routed(AcksTest.NODE2, floor), List.of(), List.of());
        assertThat(Reconciler.ackEpoch(routed, reachable)).isEqualTo(floor);
    }

    @Test
    void anIniPathThatCannotBeWrittenLeavesTheOldFileAndAcksFailed() throws Exception {
        Path procVersion = Path.of("/proc/version");
        String before = Files.readString(procVersion);
        FencingAck ack = reconciler(procVersion).reconcile("main", clock.instant());
        assertThat(ack.status()).isEqualTo(AckStatus.FAILED);
        assertThat(ack.error()).contains("cannot write /proc/version (the previous file is intact)");
        assertThat(Files.readString(procVersion)).isEqualTo(before);
    }

    private FencingStarted intent(int timeline, java.time.Duration pause) {
        return new FencingStarted(1, java.util.UUID.fromString("8d3e1f20-7a4b-4c6d-9e0f-1a2b3c4d5e6f"), "main",
                clock.instant(), "node2", FencingStarted.Intent.SWITCHOVER, new org.pgfence.events.NodeRef(2, "node2",
                "127.0.0.1", 2), new Epoch(timeline, "73"), clock.instant().plus(pause));
    }

    @Test
    void anIntentBelowTheFloorIsStaleAndAnExpiredOneIsNotAnswered() throws Exception {
        Reconciler r = reconciler(dir.resolve("db.ini"));
        epochs.raise("main", new Epoch(3, "73"));
        FencingAck stale = r.onFencingStarted(intent(2, java.time.Duration.ofSeconds(30)), clock.instant());
        assertThat(stale.status()).isEqualTo(AckStatus.REJECTED_STALE);
        assertThat(stale.eventId()).isEqualTo(java.util.UUID.fromString("8d3e1f20-7a4b-4c6d-9e0f-1a2b3c4d5e6f"));
        assertThat(r.holdUntil("main")).isEmpty();

        FencingStarted expired = intent(3, java.time.Duration.ofSeconds(1));
        clock.advance(java.time.Duration.ofSeconds(2));
        assertThat(r.onFencingStarted(expired, clock.instant())).as("an agent started later reads an old intent").isNull();
        assertThat(r.holdUntil("main")).isEmpty();
    }

    @Test
    void aPauseThatCannotBeSentIsAckedFailedAndTheHoldStillExpires() throws Exception {
        Reconciler r = reconciler(dir.resolve("db.ini"));
        FencingStarted intent = intent(1, java.time.Duration.ofSeconds(30));

        FencingAck ack = r.onFencingStarted(intent, clock.instant());

        assertThat(ack.status()).isEqualTo(AckStatus.FAILED);
        assertThat(ack.error()).startsWith("pause failed: ");
        assertThat(r.holdUntil("main")).as("held until its pauseUntil: whatever the console did is undone then")
                .hasValue(intent.pauseUntil());
        assertThat(r.onFencingStarted(intent, clock.instant())).as("the same intent again: answered already").isNull();
        FencingStarted released = new FencingStarted(1, intent.eventId(), "main", intent.occurredAt(), "node2",
                intent.intent(), intent.candidate(), intent.epoch(), clock.instant().plusMillis(1));
        assertThat(r.onFencingStarted(released, clock.instant())).isNull();
        assertThat(r.holdUntil("main")).as("its sender released it").hasValue(released.pauseUntil());
    }

    @Test
    void anIntentForAClusterInMaintenanceChangesNothing() throws Exception {
        Reconciler r = reconciler(dir.resolve("db.ini"));
        r.maintenance(mode(true, clock.instant()));
        FencingAck ack = r.onFencingStarted(intent(1, java.time.Duration.ofSeconds(30)), clock.instant());
        assertThat(ack.status()).isEqualTo(AckStatus.MAINTENANCE);
        assertThat(ack.error()).contains("would PAUSE [appdb-rw]");
        assertThat(r.holdUntil("main")).isEmpty();
    }
}
