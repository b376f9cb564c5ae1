package org.pgfence.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.pgfence.lab.kafka.KafkaProcess;
import org.pgfence.process.ExitCode;

/**
 * A real local pgfence environment: PostgreSQL 15 nodes under repmgr 5 with repmgrd automatic failover,
 * a pgbouncer per host, a key-only sshd and a Kafka broker, on loopback addresses of one machine.
 * {@link #up} builds it (after cleaning up whatever a previous lab in the same directory left);
 * {@link #close()} stops exactly what was started and removes the directory.
 */
public final class Lab implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private final LabLayout layout;
    private final Hooks hooks;
    private final PostgresCluster postgres;
    private final PgbouncerFleet pgbouncers;
    private final Sshd sshd;
    private final String kafkaBootstrap;

    private Lab(LabLayout layout, String kafkaBootstrap) {
        this.layout = layout;
        this.hooks = new Hooks(layout);
        this.postgres = new PostgresCluster(layout, hooks);
        this.pgbouncers = new PgbouncerFleet(layout);
        this.sshd = new Sshd(layout);
        this.kafkaBootstrap = kafkaBootstrap;
    }

    /** Builds the lab described by {@code spec}, reporting each step on {@code progress}. */
    public static Lab up(LabSpec spec, PrintStream progress) {
        LabLayout layout = new LabLayout(spec);
        down(spec);
        Packages.ensureInstalled();
        Steps steps = new Steps(progress);
        try {
            Files.createDirectories(layout.dir());
            Exec.run(Duration.ofSeconds(5), "chmod", "755", layout.dir().toString()).orThrow("chmod lab dir");
            // repmgrd's hooks run as postgres and log into the lab directory
            Exec.run(Duration.ofSeconds(5), "chown", "postgres:postgres", layout.dir().toString()).orThrow("chown lab dir");
            Lab lab = new Lab(layout, null);
            steps.run("distribution", () -> Distribution.install(layout));
            steps.run("hooks", () -> lab.hooks.write(Hooks.DEFAULT_PROMOTE, Hooks.NO_EVENT_HANDLER));
            steps.run("ssh keys", lab.sshd::configure);
            LabNode primary = layout.node(1);
            steps.run("node1 primary", () -> lab.postgres.initPrimary(primary));
            for (LabNode n : layout.nodes().subList(1, layout.nodes().size())) {
                steps.run(n.name() + " standby", () -> lab.postgres.cloneStandby(n, primary));
            }
            steps.run("audit store", () -> lab.postgres.initStore(layout.store()));
            steps.run("repmgrd", () -> layout.nodes().forEach(lab.postgres::startRepmgrd));
            steps.run("pgbouncers", () -> layout.pgbouncers().forEach(p -> {
                lab.pgbouncers.configure(p, primary);
                lab.pgbouncers.start(p);
            }));
            steps.run("sshd", lab.sshd::start);
            String bootstrap = steps.call("kafka", () -> startKafka(layout));
            Lab ready = new Lab(layout, bootstrap);
            steps.run("replication", () -> ready.awaitStreaming(Duration.ofSeconds(60)));
            steps.run("repmgrd watching", () -> ready.awaitRepmgrdWatching(primary.id(), SETTLE));
            ready.saveState();
            return ready;
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot create " + layout.dir() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // a half-built lab must not keep its postmasters on the lab's addresses (the next lab could not start)
            try {
                down(spec);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The lab already running in {@code spec.dir()}. */
    public static Lab attach(LabSpec spec) {
        LabLayout layout = new LabLayout(spec);
        Path state = layout.stateFile();
        if (!Files.exists(state)) {
            throw new LabException(ExitCode.ENVIRONMENT, "no lab is up in " + spec.dir() + " (run: pgfence lab up)");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(state)) {
            p.load(r);
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot read " + state + ": " + e.getMessage(), e);
        }
        LabSpec saved = new LabSpec(p.getProperty("net"), spec.dir(), Integer.parseInt(p.getProperty("nodes")),
                Integer.parseInt(p.getProperty("extraPgbouncers")), LabSpec.KafkaMode.valueOf(p.getProperty("kafka")),
                p.getProperty("kafkaBootstrap"));
        return new Lab(new LabLayout(saved), p.getProperty("kafkaBootstrap"));
    }

    /** Stops everything a lab in {@code spec.dir()} started, by pid file or pg_ctl, and removes the directory. */
    public static void down(LabSpec spec) {
        LabLayout layout = new LabLayout(spec);
        if (!Files.exists(layout.dir())) {
            return;
        }
        LabLayout actual = Files.exists(layout.stateFile()) ? attach(spec).layout : layout;
        Lab lab = new Lab(actual, null);
        // pgfence agents/auditor a drill left running (pgfence demo --keep) name this lab's config files
        Daemons.stopMatching(Duration.ofSeconds(15), "org.pgfence.cli.Main", actual.dir().toString() + "/");
        CutOff.liftAll(actual.spec().net());
        actual.nodes().forEach(lab.postgres::stopRepmgrd);
        actual.nodes().forEach(lab.postgres::stop);
        lab.postgres.stop(actual.store());
        actual.pgbouncers().forEach(lab.pgbouncers::stop);
        lab.sshd.stop();
        Daemons.stop(KafkaProcess.pidFile(actual.kafkaDir()), "BrokerMain", Duration.ofSeconds(20));
        Exec.run(Duration.ofSeconds(60), "rm", "-rf", actual.dir().toString()).orThrow("rm -rf " + actual.dir());
        // again: from a shutdown hook (a killed test JVM) the test thread runs on and may have started an agent
        // after the first sweep; it would outlive the JVM and hold its port for the next run
        Daemons.stopMatching(Duration.ofSeconds(15), "org.pgfence.cli.Main", actual.dir().toString() + "/");
    }

    @Override
    public void close() {
        down(layout.spec());
    }

    private static String startKafka(LabLayout layout) {
        return switch (layout.spec().kafka()) {
            case NONE -> null;
            case EXTERNAL -> layout.spec().kafkaBootstrap();
            case PROCESS -> {
                try {
                    yield KafkaProcess.start(layout.kafkaDir(), layout.hubAddress(), KafkaProcess.DEFAULT_PORT,
                            layout.distDir(), Duration.ofSeconds(120));
                } catch (IOException e) {
                    throw new LabException(ExitCode.ENVIRONMENT, e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LabException(ExitCode.INTERNAL, "interrupted while starting Kafka", e);
                }
            }
        };
    }

    private void saveState() {
        Properties p = new Properties();
        LabSpec s = layout.spec();
        p.setProperty("net", s.net());
        p.setProperty("nodes", Integer.toString(s.nodes()));
        p.setProperty("extraPgbouncers", Integer.toString(s.extraPgbouncers()));
        p.setProperty("kafka", s.kafka().name());
        if (kafkaBootstrap != null) {
            p.setProperty("kafkaBootstrap", kafkaBootstrap);
        }
        try (Writer w = Files.newBufferedWriter(layout.stateFile())) {
            p.store(w, "pgfence lab");
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot write " + layout.stateFile() + ": " + e.getMessage(), e);
        }
    }

    // ---- what tests and the drill use ----

    public LabLayout layout() {
        return layout;
    }

    public Path dir() {
        return layout.dir();
    }

    public List<LabNode> nodes() {
        return layout.nodes();
    }

    public LabNode node(int id) {
        return layout.node(id);
    }

    public List<LabPgbouncer> pgbouncers() {
        return layout.pgbouncers();
    }

    /** The auditor's PostgreSQL: database {@code pgfence_audit}, owner {@code pgfence}, trust auth. */
    public LabNode store() {
        return layout.store();
    }

    public LabPgbouncer pgbouncer(int id) {
        return layout.pgbouncer(id);
    }

    /** The broker's bootstrap servers, or null for a lab without Kafka. */
    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public Path pgfenceCommand() {
        return layout.pgfenceCommand();
    }

    /** Sets what repmgrd runs: see {@link Hooks} for the placeholders. Takes effect at the next hook run. */
    public void configureHooks(String promoteTemplate, String eventTemplate) {
        hooks.write(promoteTemplate, eventTemplate);
    }

    /** Crashes a node ({@code pg_ctl stop -m immediate}); its repmgrd keeps running, as after a real crash. */
    public void stopNode(int id) {
        postgres.crash(node(id));
    }

    /** Starts a node's postmaster as it is: an old primary comes back as a stale primary. */
    public void startNode(int id) {
        postgres.start(node(id));
    }

    /**
     * Stops the lab's own broker (a {@link LabSpec.KafkaMode#PROCESS} lab only) with SIGTERM, as an outage:
     * its data stays, and {@link #startBroker()} brings it back at the same address.
     */
    public void stopBroker() {
        requireOwnBroker();
        Daemons.stop(KafkaProcess.pidFile(layout.kafkaDir()), "BrokerMain", Duration.ofSeconds(20));
    }

    /** Starts the lab's own broker again on its data, at the same bootstrap address. */
    public void startBroker() {
        requireOwnBroker();
        String again = startKafka(layout);
        if (!again.equals(kafkaBootstrap)) {
            throw new LabException(ExitCode.ENVIRONMENT, "the broker came back at " + again + ", not " + kafkaBootstrap);
        }
    }

    private void requireOwnBroker() {
        if (layout.spec().kafka() != LabSpec.KafkaMode.PROCESS) {
            throw new LabException(ExitCode.USAGE, "only a lab with its own broker (KafkaMode.PROCESS) can stop it");
        }
    }

    public void stopRepmgrd(int id) {
        postgres.stopRepmgrd(node(id));
    }

    public void startRepmgrd(int id) {
        postgres.startRepmgrd(node(id));
    }

    /** {@code repmgr standby promote} on node {@code id}, as an operator runs it (no repmgrd involved). */
    public void promoteByHand(int id) {
        postgres.repmgr(node(id), "standby", "promote", "--log-to-file").orThrow("repmgr standby promote " + node(id).name());
    }

    /** A fresh clone of node {@code primaryId} over node {@code id} (stopped first), started and registered again. */
    public void reclone(int id, int primaryId) {
        postgres.recloneStandby(node(id), node(primaryId));
        restartRepmgrdIfRunning(node(id), primaryId);
    }

    /**
     * A node brought back as a standby under a running repmgrd (a reclone, a rejoin) gets that repmgrd restarted, as
     * the switchover does for the same repmgr 5.3 race ({@link #switchover}): repmgrd reconnects to the returned
     * PostgreSQL before the standby's record is written, logs "still registered as primary, setting to standby" and
     * keeps a record with no upstream in memory; on the next loss of the primary it cannot follow ("unable to retrieve
     * metadata record for failed primary (ID: -1)"), restarts its monitoring against the lost upstream and terminates
     * (FailoverStress, round 21 of its second run).
     */
    private void restartRepmgrdIfRunning(LabNode n, int upstreamId) {
        if (Daemons.alive(n.repmgrdPidFile(), "repmgrd")) {
            RepmgrdWatch.awaitOwnRecord(n, upstreamId, SETTLE);
            postgres.stopRepmgrd(n);
            postgres.startRepmgrd(n);
        }
    }

    /** Waits until node {@code standbyId} streams from node {@code upstreamId} ({@code pg_stat_replication}). */
    public void awaitAttached(int standbyId, int upstreamId, Duration timeout) {
        PostgresCluster.awaitAttached(node(standbyId), node(upstreamId), timeout);
    }

    /** {@code repmgr standby follow} of node {@code id} onto {@code upstreamId}, as an operator runs it. */
    public void follow(int id, int upstreamId) {
        postgres.repmgr(node(id), "standby", "follow", "--upstream-node-id=" + upstreamId, "--log-to-file")
                .orThrow("repmgr standby follow " + node(id).name());
    }

    public void stopPgbouncer(int id) {
        pgbouncers.stop(pgbouncer(id));
    }

    public void startPgbouncer(int id) {
        pgbouncers.start(pgbouncer(id));
    }

    /**
     * {@code repmgr standby switchover --siblings-follow} run on node {@code id} (which becomes primary), then
     * {@link #awaitRepmgrdWatching}: the switchover returns before repmgrd on the demoted node has noticed that
     * it is now a standby, and a primary lost in that gap is never failed over (repmgr 5.3: the demoted node's
     * repmgrd loops on "unable to determine a new primary node", its sibling waits for a promotion that never
     * comes, then exits).
     * <p>
     * Before that wait, repmgrd is restarted on every standby, because the one watching the new primary after a
     * switchover may not be able to promote: when the demoted node's repmgrd reconnects to its restarted PostgreSQL
     * before the switchover's {@code node rejoin} has updated its record on the new primary, it logs "node still
     * registered as primary, setting to standby", marks itself a standby with no upstream, and keeps that record
     * in memory even after the rejoin sets the upstream (it watches the new primary all the same, so the wait above
     * cannot tell). When the new primary is then lost it refuses to promote ("does not have its upstream_node_id
     * set, not promoting"), notices the changed upstream, restarts its monitoring, cannot reach the lost upstream
     * and terminates: no primary (LabIT test 7 in CI; {@code SwitchoverStress}: once in 16 switchovers). A repmgrd
     * started after the switchover returned reads the record the switchover wrote, once the standby has replayed it
     * ({@link RepmgrdWatch#awaitOwnRecord}: repmgrd reads it on its own node). Returns how long the repmgr command took.
     */
    public Duration switchover(int id) {
        Instant start = Clock.systemUTC().instant();
        postgres.repmgr(node(id), "standby", "switchover", "--siblings-follow", "--log-to-file")
                .orThrow("repmgr standby switchover to " + node(id).name());
        Duration took = Duration.between(start, Clock.systemUTC().instant());
        settleAfterSwitchover(id);
        return took;
    }

    /**
     * What {@link #switchover} does once repmgr returned, for a switchover made otherwise ({@code pgfence switchover}):
     * repmgrd restarted on every standby once it has replayed its record, then watching node {@code id} everywhere.
     */
    public void settleAfterSwitchover(int id) {
        List<Integer> active = RepmgrdWatch.activeNodeIds(node(id));
        for (LabNode n : nodes()) {
            if (n.id() != id && active.contains(n.id())) {
                RepmgrdWatch.awaitOwnRecord(n, id, SETTLE);
                postgres.stopRepmgrd(n);
                postgres.startRepmgrd(n);
            }
        }
        awaitRepmgrdWatching(id, SETTLE);
    }

    /**
     * Waits until repmgrd would fail over a loss of {@code primaryId}: it runs unpaused on every active node (as
     * {@code repmgr.nodes} on the primary says; a node marked failed is left out), and on every active node but the
     * primary it watches {@code primaryId} as its upstream and saw it within two monitoring intervals.
     */
    public void awaitRepmgrdWatching(int primaryId, Duration timeout) {
        RepmgrdWatch.await(nodes(), node(primaryId), timeout, postgres::startRepmgrd, postgres::stopRepmgrd);
    }

    /**
     * {@code repmgr node rejoin --force-rewind} of a stopped node onto the current primary {@code primaryId}, after a
     * CHECKPOINT there: pg_rewind takes a live source's timeline from its control file, which a just-promoted primary
     * updates only when its first checkpoint ends; rewound before that, the node is left on the old timeline and
     * cannot start ("requested timeline 3 does not contain minimum recovery point ... on timeline 1": fresh45,
     * LabIT test 7). PostgreSQL's pg_rewind documentation asks for exactly this.
     */
    public void rejoin(int id, int primaryId) {
        checkpoint(primaryId);
        postgres.stop(node(id));
        postgres.repmgr(node(id), "node", "rejoin", "-d", node(primaryId).conninfo(), "--force-rewind",
                "--config-files=lab-node.conf", "--log-to-file").orThrow("repmgr node rejoin " + node(id).name());
        restartRepmgrdIfRunning(node(id), primaryId);
    }

    private void checkpoint(int id) {
        try (var c = NodeState.connect(node(id), "repmgr"); var s = c.createStatement()) {
            s.execute("CHECKPOINT");
        } catch (java.sql.SQLException e) {
            throw new LabException(ExitCode.UNAVAILABLE, "CHECKPOINT on " + node(id).name() + " before a rejoin onto it: "
                    + e.getMessage(), e);
        }
    }

    /** The node's current state, or empty when it does not answer. */
    public Optional<NodeState> probe(int id) {
        return NodeState.of(node(id));
    }

    /** Waits until exactly one node answers as primary, other than {@code excluded} (0 = none). */
    public LabNode awaitSinglePrimary(int excluded, Duration timeout) {
        Instant end = Clock.systemUTC().instant().plus(timeout);
        while (true) {
            List<LabNode> primaries = nodes().stream().filter(n -> n.id() != excluded)
                    .filter(n -> probe(n.id()).map(pr -> !pr.inRecovery()).orElse(false)).toList();
            if (primaries.size() == 1) {
                return primaries.get(0);
            }
            if (Clock.systemUTC().instant().isAfter(end)) {
                throw new LabException(ExitCode.CHECK_FAILED, "expected exactly one primary within "
                        + timeout.toSeconds() + " s, found " + primaries.stream().map(LabNode::name).toList()
                        + RepmgrdWatch.lastWords(nodes()) + RepmgrdWatch.lastEvents(nodes()));
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** Copies every log of this lab ({@code *.log} two levels deep) into {@code to}, before a teardown removes them. */
    public void keepLogs(Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.walk(dir(), 2)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log") && Files.isRegularFile(f)).toList()) {
                String name = dir().relativize(log).toString().replace('/', '_');
                Files.copy(log, to.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The node currently answering as primary with the highest timeline, if any. */
    public Optional<LabNode> currentPrimary() {
        return nodes().stream()
                .filter(n -> probe(n.id()).map(pr -> !pr.inRecovery()).orElse(false))
                .max((a, b) -> Integer.compare(probe(a.id()).map(NodeState::timeline).orElse(0),
                        probe(b.id()).map(NodeState::timeline).orElse(0)));
    }

    void awaitStreaming(Duration timeout) {
        Instant end = Clock.systemUTC().instant().plus(timeout);
        int want = nodes().size() - 1;
        while (true) {
            int streaming = streamingStandbys(node(1));
            boolean repmgrds = nodes().stream().allMatch(n -> Daemons.alive(n.repmgrdPidFile(), "repmgrd"));
            if (streaming == want && repmgrds) {
                return;
            }
            if (Clock.systemUTC().instant().isAfter(end)) {
                throw new LabException(ExitCode.ENVIRONMENT, "replication did not come up within " + timeout.toSeconds()
                        + " s: " + streaming + "/" + want + " standbys streaming, repmgrd running: " + repmgrds);
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    static int streamingStandbys(LabNode primary) {
        try (Connection c = NodeState.connect(primary, "postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    public boolean repmgrdRunning(int id) {
        return Daemons.alive(node(id).repmgrdPidFile(), "repmgrd");
    }

    public boolean pgbouncerRunning(int id) {
        return pgbouncers.running(pgbouncer(id));
    }

    static void chownToPostgres(Path path) {
        Exec.run(Duration.ofSeconds(30), "chown", "-R", "postgres:postgres", path.toString()).orThrow("chown " + path);
    }
}
