package org.pgfence.lab.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.pgfence.events.AckStatus;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.Epoch;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.Trigger;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.NodeState;
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.lab.drill.EventWatch;
import org.pgfence.lab.drill.Fencing;
import org.pgfence.runtime.kafka.TopicInstaller;

/**
 * pgfence agents on a real lab, for the agent ITs: real agent processes (run as postgres), a watch on the
 * topics, and the one fake seam — {@code master-promoted} events published from here (the producer is not
 * this test's subject; an event is only a trigger anyway). repmgrd keeps its stock promote_command.
 */
final class AgentStage implements AutoCloseable {
    static final String CLUSTER = "lab";
    static final String RW = "appdb-rw";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration START_WAIT = Duration.ofSeconds(90);

    final Lab lab;
    final Fencing fencing;
    final EventWatch watch;
    private final KafkaProducer<String, PgfenceEvent> producer;

    private AgentStage(Lab lab, Fencing fencing) {
        this.lab = lab;
        this.fencing = fencing;
        this.watch = new EventWatch(fencing.kafka(), Clock.systemUTC());
        this.producer = new KafkaProducer<>(fencing.kafka().producer("agent-it", Duration.ofSeconds(10)));
    }

    /** Configs for every pgbouncer host, topics, the watch; agents started on {@code hosts} only. */
    static AgentStage start(Lab lab, String topicPrefix, Duration reconcile, List<LabPgbouncer> hosts) {
        DrillConfigs configs = new DrillConfigs(lab, CLUSTER, topicPrefix, reconcile, false);
        Fencing fencing = new Fencing(lab, configs.write(), Clock.systemUTC());
        // not Fencing.start: it would point repmgrd's promote_command at pgfence promote (not on this branch)
        // and start every agent; here repmgrd promotes by itself and the test holds each agent's Process
        try {
            TopicInstaller.ensure(fencing.kafka(), Duration.ofSeconds(30));
        } catch (Exception e) {
            throw new AssertionError("cannot create the topics: " + e, e);
        }
        AgentStage stage = new AgentStage(lab, fencing);
        hosts.forEach(stage::startAgent);
        return stage;
    }

    Process startAgent(LabPgbouncer pgb) {
        return startAgent(pgb, fencing.configs().agentConfig(pgb));
    }

    Process startAgent(LabPgbouncer pgb, Path config) {
        return fencing.processes().start(Fencing.agentName(pgb), "agent", "--config", config.toString());
    }

    void stopAgent(LabPgbouncer pgb) {
        fencing.stopAgent(pgb);
    }

    /** A copy of {@code pgb}'s agent config with another reconcile interval. */
    Path agentConfigWithReconcile(LabPgbouncer pgb, String interval) {
        Path original = fencing.configs().agentConfig(pgb);
        Path copy = original.resolveSibling("agent-" + pgb.host() + "-reconcile-" + interval + ".yaml");
        try {
            Files.writeString(copy, Files.readString(original)
                    .replaceAll("(?m)^reconcileInterval: .*$", "reconcileInterval: \"" + interval + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    // ---- events ----

    /** Publishes a master-promoted for {@code node} at the epoch it reports now. */
    MasterPromoted announce(LabNode node) {
        NodeState p = lab.probe(node.id()).orElseThrow(() -> new AssertionError(node.name() + " does not answer"));
        return announce(node, new Epoch(p.timeline(), p.systemIdentifier()));
    }

    MasterPromoted announce(LabNode node, Epoch epoch) {
        MasterPromoted event = new MasterPromoted(MasterPromoted.SCHEMA_VERSION, UUID.randomUUID(), CLUSTER,
                Instant.now(), "agent-it", Trigger.MANUAL, "agent-it",
                new NodeRef(node.id(), node.name(), node.address(), node.pgPort()), null, epoch);
        return publish(event);
    }

    MasterPromoted publish(MasterPromoted event) {
        try {
            producer.send(new ProducerRecord<>(fencing.kafka().topics().promotions(),
                    Topics.promotionKey(CLUSTER), event)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot publish " + event.eventId() + ": " + e, e);
        }
        return event;
    }

    // ---- acks ----

    List<FencingAck> acks(LabPgbouncer pgb) {
        return watch.events(FencingAck.class, a -> a.host().equals(pgb.host()));
    }

    List<FencingAck> acks(LabPgbouncer pgb, Predicate<FencingAck> filter) {
        return acks(pgb).stream().filter(filter).toList();
    }

    /** The ack {@code pgb} sent for {@code event}, waiting for it. */
    FencingAck ackFor(LabPgbouncer pgb, MasterPromoted event) {
        return awaitAck(pgb, a -> event.eventId().equals(a.eventId()));
    }

    /**
     * The first reconcile ack of an agent just started: JVM start and the first Kafka round trips of three
     * agents on a shared 2-core machine take tens of seconds under load; that is not what is tested.
     */
    FencingAck awaitStartAck(LabPgbouncer pgb) {
        return await().atMost(START_WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> acks(pgb, a -> a.eventId() == null).stream().findFirst(), Optional::isPresent).orElseThrow();
    }

    FencingAck awaitAck(LabPgbouncer pgb, Predicate<FencingAck> filter) {
        return awaitAck(pgb, filter, WAIT);
    }

    FencingAck awaitAck(LabPgbouncer pgb, Predicate<FencingAck> filter, Duration timeout) {
        return await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> acks(pgb, filter).stream().findFirst(), Optional::isPresent).orElseThrow();
    }

    /** The node name the ack routes {@code appdb-rw} to, or its state ("disabled"/"removed"). */
    static String rw(FencingAck ack) {
        return ack.targets().stream().filter(t -> t.database().equals(RW)).findFirst()
                .map(t -> t.node() != null ? t.node().name() : t.state()).orElse("none");
    }

    static boolean routed(FencingAck ack, String database, String nodeName) {
        return ack.targets().stream().anyMatch(t -> t.database().equals(database)
                && DatabaseTarget.ROUTED.equals(t.state()) && t.node() != null && t.node().name().equals(nodeName));
    }

    // ---- what pgbouncer does ----

    static String target(LabPgbouncer pgb) {
        return Fencing.target(pgb, RW);
    }

    static String hostPort(LabNode node) {
        return node.address() + ":" + node.pgPort();
    }

    /** {@code SELECT inet_server_addr()} through {@code pgb}'s appdb-rw: where a new session really lands. */
    static String serverVia(LabPgbouncer pgb) throws SQLException {
        try (Connection c = session(pgb)) {
            return serverOf(c);
        }
    }

    static Connection session(LabPgbouncer pgb) throws SQLException {
        return DriverManager.getConnection(pgb.jdbcUrl(RW, "app"));
    }

    static String serverOf(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT host(inet_server_addr())")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static byte[] iniBytes(LabPgbouncer pgb) {
        try {
            return Files.readAllBytes(pgb.databaseIni());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path log(LabPgbouncer pgb) {
        return fencing.processes().log(Fencing.agentName(pgb));
    }

    String logText(LabPgbouncer pgb) {
        try {
            return Files.readString(log(pgb));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code signal} to the agent's JVM (the java process under runuser and the launcher). */
    static void signal(Process agent, String signal) throws IOException, InterruptedException {
        ProcessHandle jvm = agent.descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst()
                .orElseThrow(() -> new AssertionError("no agent JVM under pid " + agent.pid()));
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(jvm.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " " + jvm.pid() + " failed");
        }
    }

    /** Whether {@code node} answers, writable, and its own repmgr.nodes lists it {@code type='primary' AND active}. */
    boolean activePrimaryPerOwnMetadata(LabNode node) {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("repmgr") + "&user=repmgr");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                     "SELECT NOT pg_is_in_recovery() AND EXISTS (SELECT 1 FROM repmgr.nodes WHERE node_id = "
                             + node.id() + " AND type = 'primary' AND active)")) {
            return rs.next() && rs.getBoolean(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * node2 as its own repmgr.nodes says: the active primary (node1's row inactive) or node1's standby. With node2
     * promoted by hand beside a writable node1, that is what decides whether an agent may route rw to node2.
     */
    static void setNode2Primary(LabNode node2, boolean primary) throws SQLException {
        sql(node2, "repmgr", primary
                ? "UPDATE repmgr.nodes SET active = (node_id <> 1), type = CASE WHEN node_id = 2 THEN 'primary' ELSE type END,"
                        + " upstream_node_id = CASE WHEN node_id = 2 THEN NULL ELSE upstream_node_id END"
                : "UPDATE repmgr.nodes SET type = 'standby', upstream_node_id = 1 WHERE node_id = 2");
    }

    /**
     * {@code events} announcements of node2 (promoted by hand, node1 still writable), each after node2's metadata was
     * toggled between primary and standby, so every one makes each agent of {@code hosts} write and verify: rw to
     * node2 (APPLIED) or closed (FENCED_CLOSED). The real applies' samples; node2 is left primary.
     */
    List<Latency.Apply> toggleNode2(LabNode node2, int events, List<LabPgbouncer> hosts) throws SQLException {
        List<Latency.Apply> samples = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            boolean primary = i % 2 == 1;
            setNode2Primary(node2, primary);
            MasterPromoted event = announce(node2);
            for (LabPgbouncer pgb : hosts) {
                FencingAck ack = ackFor(pgb, event);
                assertThat(ack.status()).isIn(AckStatus.APPLIED, AckStatus.FENCED_CLOSED, AckStatus.UNCHANGED);
                assertThat(rw(ack)).isEqualTo(primary ? "node2" : "disabled");
                if (ack.status() != AckStatus.UNCHANGED) {
                    samples.add(new Latency.Apply(ack, watch.seenAt(ack)));
                }
            }
        }
        setNode2Primary(node2, true);
        return samples;
    }

    static void sql(LabNode node, String database, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(database) + "&user=postgres");
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        fencing.close();
        watch.close();
        keepLogs();
    }

    /** The lab directory goes with the lab: keep the agents' logs under target/ for whoever reads a failure. */
    private void keepLogs() {
        Path logs = lab.dir().resolve("logs");
        Path keep = Path.of("target", "agent-it-logs", fencing.configs().topicPrefix());
        try (var files = Files.list(logs)) {
            Files.createDirectories(keep);
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, keep.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.out.println("agent logs not kept: " + e);
        }
    }
}
