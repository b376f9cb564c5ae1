package org.pgfence.lab.drill;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.pgfence.cli.Main;
import org.pgfence.events.AckStatus;
import org.pgfence.events.FencingAck;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.Exec;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabException;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.PgbouncerFleet;
import org.pgfence.lab.PgfenceProcesses;
import org.pgfence.process.ExitCode;
import org.pgfence.runtime.kafka.KafkaSettings;
import org.pgfence.runtime.kafka.TopicInstaller;

/**
 * pgfence running on a lab: repmgrd wired to {@code pgfence promote}/{@code notify}, an agent per pgbouncer
 * host and the auditor as separate processes, a spool flusher per node (as a deployment's timer), and a watch
 * on every topic. The demo and the end-to-end
 * tests build their scenarios from these steps.
 */
public final class Fencing implements AutoCloseable {
    private final Lab lab;
    private final DrillConfigs configs;
    private final PgfenceProcesses processes;
    private final Clock clock;
    private EventWatch watch;
    private DrillSpoolFlusher spoolFlusher;

    public Fencing(Lab lab, DrillConfigs configs, Clock clock) {
        this.lab = lab;
        this.configs = configs;
        this.processes = new PgfenceProcesses(lab);
        this.clock = clock;
    }

    public Lab lab() {
        return lab;
    }

    public DrillConfigs configs() {
        return configs;
    }

    public PgfenceProcesses processes() {
        return processes;
    }

    public EventWatch watch() {
        return watch;
    }

    public KafkaSettings kafka() {
        return new KafkaSettings(lab.kafkaBootstrap(), new Topics(configs.topicPrefix()), Map.of());
    }

    /** Configs, hooks, topics and the watch; then the auditor (if asked) and every agent. */
    public Fencing start(boolean auditor) {
        return start(auditor, true);
    }

    /**
     * As {@link #start(boolean)}, the agents only if {@code agents}: a caller that starts them its own way (each in a
     * group of its own) must not stop ones just started, whose JVM may not be forked yet under runuser and would
     * then outlive the stop, holding the agent's port.
     */
    public Fencing start(boolean auditor, boolean agents) {
        return start(auditor, agents, settings -> new EventWatch(settings, clock));
    }

    /**
     * As {@link #start(boolean, boolean)}, with the watch {@code watch} makes once the topics exist, instead of the one
     * that keeps every event of every topic (a fleet's heartbeats would fill it); {@link #close()} closes it.
     */
    public Fencing start(boolean auditor, boolean agents, Function<KafkaSettings, EventWatch> watch) {
        long start = System.nanoTime();
        configs.write();
        configs.wireRepmgrd();
        try {
            TopicInstaller.ensure(kafka(), Duration.ofSeconds(30));
        } catch (Exception e) {
            throw new LabException(ExitCode.UNAVAILABLE, "cannot create the pgfence topics: " + e, e);
        }
        this.watch = watch.apply(kafka());
        spoolFlusher = new DrillSpoolFlusher(lab, configs);
        if (auditor) {
            startAuditor();
        }
        if (agents) {
            lab.pgbouncers().forEach(this::startAgent);
        }
        System.out.printf("  fencing started in %d ms (configs, hooks, topics, watch%s%s)%n",
                (System.nanoTime() - start) / 1_000_000, auditor ? ", auditor" : "", agents ? ", agents" : "");
        return this;
    }

    public void startAuditor() {
        processes.start("audit", "audit", "--config", configs.auditConfig().toString());
    }

    public void startAgent(LabPgbouncer pgb) {
        processes.start(agentName(pgb), "agent", "--config", configs.agentConfig(pgb).toString());
    }

    /** Starts the agent of {@code pgb} with {@code supplementaryGroup} among its groups (see PgfenceProcesses). */
    public void startAgentInGroup(LabPgbouncer pgb, String supplementaryGroup) {
        processes.startWithGroup(agentName(pgb), supplementaryGroup, "agent", "--config", configs.agentConfig(pgb).toString());
    }

    /** Starts the agent of {@code pgb} (in {@code supplementaryGroup} when not null) with its wall clock {@code skew} off. */
    public void startAgentSkewed(LabPgbouncer pgb, String supplementaryGroup, Duration skew) {
        processes.startSkewed(agentName(pgb), supplementaryGroup, skew, "agent", "--config",
                configs.agentConfig(pgb).toString());
    }

    public boolean agentRunning(LabPgbouncer pgb) {
        return processes.isRunning(agentName(pgb));
    }

    /** kill -9 of the agent of {@code pgb}. */
    public void killAgent(LabPgbouncer pgb) {
        processes.kill(agentName(pgb));
    }

    public void stopAgent(LabPgbouncer pgb) {
        processes.stop(agentName(pgb));
    }

    /** SIGHUP to the agent of {@code pgb}: it reconciles every cluster now instead of at its next timer. */
    public void reconcileNow(LabPgbouncer pgb) {
        processes.hangup(agentName(pgb));
    }

    public static String agentName(LabPgbouncer pgb) {
        return "agent-" + pgb.host();
    }

    /** Where {@code database} of {@code pgb} points now, as pgbouncer itself says ({@code SHOW DATABASES}). */
    public static String target(LabPgbouncer pgb, String database) {
        try {
            return PgbouncerFleet.databases(pgb).getOrDefault(database, "absent");
        } catch (SQLException e) {
            return "unreachable";
        }
    }

    /** Waits until every pgbouncer routes {@code database} to {@code node}. */
    public boolean awaitRouted(String database, LabNode node, Duration timeout) {
        String want = node.address() + ":" + node.pgPort();
        return awaitTrue(timeout, () -> lab.pgbouncers().stream().allMatch(p -> target(p, database).equals(want)));
    }

    public boolean awaitTrue(Duration timeout, java.util.function.BooleanSupplier condition) {
        Instant end = clock.instant().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (clock.instant().isAfter(end)) {
                return false;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return true;
    }

    /**
     * {@code pgfence switchover --to NODE --pause-wait W} as postgres on that node, with its producer config: the exit
     * code and the output (killed after {@value #SWITCHOVER_SECONDS} s).
     */
    public Exec.Result switchover(LabNode to, Duration pauseWait) {
        return Exec.asPostgres(Duration.ofSeconds(SWITCHOVER_SECONDS), lab.pgfenceCommand().toString(), "switchover",
                "--config", configs.promoteConfig(to.id()).toString(), "--to", to.name(), "--pause-wait",
                pauseWait.toSeconds() + "s");
    }

    static final int SWITCHOVER_SECONDS = 150;

    /** When each host first acked the fencing-started {@code intent} PAUSED (its completedAt), by host. */
    public Map<String, Instant> pausedAt(UUID intent) {
        Map<String, Instant> out = new TreeMap<>();
        for (FencingAck a : watch.events(FencingAck.class, a -> intent.equals(a.eventId())
                && a.status() == AckStatus.PAUSED)) {
            out.putIfAbsent(a.host(), a.timings().completedAt());
        }
        return out;
    }

    /** {@code pgfence audit status} run in this JVM: its exit code and output. */
    public AuditStatus auditStatus(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "audit";
        args[1] = "status";
        args[2] = "--config";
        args[3] = configs.auditConfig().toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(args, System.getenv(), new PrintStream(out, true), new PrintStream(err, true));
        return new AuditStatus(rc, out.toString(), err.toString());
    }

    public record AuditStatus(int exitCode, String out, String err) {
        /**
         * The latest promotion of each cluster asked about is complete. {@code audit status} also exits 0 when it
         * has recorded no promotion at all, which a drill must not take for "complete".
         */
        public boolean complete() {
            return exitCode == 0 && !out.contains("No promotion recorded");
        }
    }

    @Override
    public void close() {
        long start = System.nanoTime();
        if (spoolFlusher != null) {
            spoolFlusher.close();
        }
        processes.close();
        long processesMs = (System.nanoTime() - start) / 1_000_000;
        if (watch != null) {
            watch.close();
        }
        System.out.printf("  fencing stopped in %d ms (agents and auditor %d ms)%n", (System.nanoTime() - start) / 1_000_000,
                processesMs);
    }
}
