package org.pgfence.lab.torture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.pgfence.consumer.state.EpochStore;
import org.pgfence.events.Epoch;
import org.pgfence.events.EventJson;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.Exec;
import org.pgfence.lab.CutOff;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.drill.Fencing;

/**
 * Applies {@link Fault}s to a lab running pgfence and remembers what is broken, so that each fault is drawn only
 * when it can be applied and {@link #healAll()} can undo everything. Agents run each in a group of its own
 * ({@code pgfence-torture-<host>}), so a partition can cut one agent or all of them.
 */
final class Nemesis {
    private static final Duration SETTLE = Duration.ofSeconds(45);
    private final Lab lab;
    private final Fencing fencing;
    private final Random random;
    private final Set<Integer> down = new LinkedHashSet<>();
    private final Set<Integer> crashedPrimaries = new LinkedHashSet<>();
    private final Set<Integer> stale = new LinkedHashSet<>();
    private final List<CutOff> cuts = new ArrayList<>();
    private boolean kafkaCut;
    private boolean brokerStopped;
    private final Set<Integer> killedAgents = new LinkedHashSet<>();
    private final Map<Integer, String> brokenIncludes = new LinkedHashMap<>();
    private final Set<Integer> stoppedPgbouncers = new LinkedHashSet<>();
    /** Agents running with a skewed wall clock, by pgbouncer id; a killed one is restarted with its skew. */
    private final Map<Integer, Duration> skewed = new LinkedHashMap<>();
    static final Duration SKEW = Duration.ofMinutes(10);
    /**
     * How long a crashed primary stays down at least before RESTART_OLD_PRIMARY: the agents' timer bound
     * (reconcileInterval, 2 s) plus slack. With the event path cut, an agent learns of a promotion only from its next
     * reconcile; an old primary back sooner than that takes the writes of pgbouncers that still point at it. That
     * window is pgfence's documented bound (README, "The fault campaign"); only fencing on the database node itself
     * could close it, so the campaign models a crash that takes at least this long to come back.
     */
    static final Duration MIN_DOWN = Campaign.RECONCILE.plusSeconds(3);
    private final Map<Integer, Instant> crashedAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, List<Instant[]>> agentDown = new java.util.concurrent.ConcurrentHashMap<>();

    Nemesis(Lab lab, Fencing fencing, Random random) {
        this.lab = lab;
        this.fencing = fencing;
        this.random = random;
    }

    static String group(LabPgbouncer p) {
        return "pgft-" + p.host();
    }

    /** Starts every agent, each in its own group. */
    void startAgents() {
        for (LabPgbouncer p : lab.pgbouncers()) {
            CutOff.ensureGroup(group(p));
            fencing.startAgentInGroup(p, group(p));
        }
    }

    /** The faults whose precondition holds now. */
    List<Fault> applicable() {
        List<Fault> out = new ArrayList<>();
        boolean healthy = down.isEmpty() && stale.isEmpty();
        if (healthy) {
            out.addAll(List.of(Fault.CRASH_PRIMARY, Fault.SWITCHOVER, Fault.PROMOTE_BY_HAND));
        }
        if (healthy && !brokerStopped) {
            out.add(Fault.SWITCHOVER_TWO_PHASE);
        }
        if (!brokerStopped) {
            out.add(Fault.FENCING_STARTED);
        }
        if (down.stream().anyMatch(crashedPrimaries::contains)) {
            out.add(Fault.RESTART_OLD_PRIMARY);
        }
        if (!healthy) {
            out.add(Fault.REJOIN_NODE);
        }
        if (cuts.size() < 4) {
            out.add(Fault.PARTITION_AGENTS_FROM_NODES);
        }
        if (!kafkaCut && !brokerStopped) {
            out.add(Fault.PARTITION_AGENTS_FROM_KAFKA);
        }
        if (!cuts.isEmpty()) {
            out.add(Fault.HEAL_PARTITIONS);
        }
        out.add(brokerStopped ? Fault.START_BROKER : Fault.STOP_BROKER);
        if (killedAgents.size() < lab.pgbouncers().size()) {
            out.addAll(List.of(Fault.KILL_AGENT, Fault.KILL_AGENT_LOSING_STATE));
        }
        if (!killedAgents.isEmpty()) {
            out.add(Fault.RESTART_AGENT);
        }
        if (brokenIncludes.isEmpty() && stoppedPgbouncers.isEmpty()) {
            out.add(Fault.BREAK_INCLUDE);
        }
        if (!brokenIncludes.isEmpty()) {
            out.add(Fault.REPAIR_INCLUDE);
        }
        if (stoppedPgbouncers.isEmpty() && brokenIncludes.isEmpty()) {
            out.add(Fault.STOP_PGBOUNCER);
        }
        if (!stoppedPgbouncers.isEmpty()) {
            out.add(Fault.START_PGBOUNCER);
        }
        if (skewed.isEmpty() && killedAgents.size() < lab.pgbouncers().size()) {
            out.add(Fault.SKEW_CLOCK);
        }
        if (!skewed.isEmpty()) {
            out.add(Fault.UNSKEW_CLOCK);
        }
        return out;
    }

    /** Applies {@code fault}; returns what it did, in words. Throws if the lab refused (not a violation). */
    String apply(Fault fault) {
        return switch (fault) {
            case CRASH_PRIMARY -> crashPrimary();
            case RESTART_OLD_PRIMARY -> restartOldPrimary();
            case REJOIN_NODE -> rejoin(pickId(union(down, stale)));
            case PARTITION_AGENTS_FROM_NODES -> partitionFromNodes();
            case PARTITION_AGENTS_FROM_KAFKA -> partitionFromKafka();
            case HEAL_PARTITIONS -> healPartitions();
            case STOP_BROKER -> {
                lab.stopBroker();
                brokerStopped = true;
                yield "broker stopped";
            }
            case START_BROKER -> {
                lab.startBroker();
                brokerStopped = false;
                yield "broker started";
            }
            case KILL_AGENT -> killAgent(false);
            case KILL_AGENT_LOSING_STATE -> killAgent(true);
            case RESTART_AGENT -> restartAgent(pickId(killedAgents));
            case SKEW_CLOCK -> skewClock();
            case UNSKEW_CLOCK -> unskewClock(pickId(skewed.keySet()));
            case BREAK_INCLUDE -> breakInclude();
            case REPAIR_INCLUDE -> repairInclude(pickId(brokenIncludes.keySet()));
            case STOP_PGBOUNCER -> {
                int id = pickId(ids(lab.pgbouncers().size()));
                lab.stopPgbouncer(id);
                stoppedPgbouncers.add(id);
                yield "pgbouncer " + lab.pgbouncer(id).host() + " stopped";
            }
            case START_PGBOUNCER -> startPgbouncer(pickId(stoppedPgbouncers));
            case SWITCHOVER -> switchover();
            case PROMOTE_BY_HAND -> promoteByHand();
            case FENCING_STARTED -> fencingStarted();
            case SWITCHOVER_TWO_PHASE -> twoPhaseSwitchover();
        };
    }

    private String crashPrimary() {
        LabNode old = primary();
        lab.awaitRepmgrdWatching(old.id(), SETTLE);
        lab.stopNode(old.id());
        crashedAt.put(old.id(), Instant.now());
        down.add(old.id());
        crashedPrimaries.add(old.id());
        LabNode promoted = lab.awaitSinglePrimary(old.id(), SETTLE);
        return "crashed " + old.name() + "; repmgrd promoted " + promoted.name() + settleStandbys(promoted);
    }

    private String restartOldPrimary() {
        int id = pickId(down.stream().filter(crashedPrimaries::contains).toList());
        Duration downFor = Duration.between(crashedAt.getOrDefault(id, Instant.EPOCH), Instant.now());
        if (downFor.compareTo(MIN_DOWN) < 0) { // the model: a crashed primary takes at least MIN_DOWN to come back
            java.util.concurrent.locks.LockSupport.parkNanos(MIN_DOWN.minus(downFor).toNanos());
        }
        lab.startNode(id);
        down.remove(id);
        stale.add(id);
        return "started " + lab.node(id).name() + " as it was: a writable former primary on an old timeline";
    }

    private String rejoin(int id) {
        LabNode primary = primary();
        String how = "rejoined";
        try {
            lab.rejoin(id, primary.id());
        } catch (RuntimeException e) { // a data directory a rewind cannot repair (one cut short): clone it afresh
            lab.reclone(id, primary.id());
            how = "recloned (rejoin failed: " + e.getMessage().lines().findFirst().orElse("") + ")";
        }
        down.remove(id);
        stale.remove(id);
        crashedPrimaries.remove(id);
        if (!lab.repmgrdRunning(id)) {
            lab.startRepmgrd(id);
        }
        lab.awaitAttached(id, primary.id(), SETTLE);
        return how + " " + lab.node(id).name() + " to " + primary.name();
    }

    /**
     * Waits until the standbys watch the promoted node. One that repmgr refuses to make follow (it received WAL past
     * the promoted node's fork point) is rewound by the lab's follow hook, which takes a few seconds more; the
     * campaign must not rewind it a second time meanwhile (two pg_rewinds of one data directory break it).
     */
    private String settleStandbys(LabNode primary) {
        lab.awaitRepmgrdWatching(primary.id(), SETTLE);
        return "";
    }

    private String partitionFromNodes() {
        List<LabPgbouncer> agents = random.nextBoolean() ? lab.pgbouncers() : List.of(pick(lab.pgbouncers()));
        List<LabNode> nodes = new ArrayList<>(lab.nodes());
        java.util.Collections.shuffle(nodes, random);
        nodes = nodes.subList(0, 1 + random.nextInt(2));
        for (LabPgbouncer a : agents) {
            for (LabNode n : nodes) {
                cuts.add(CutOff.from(group(a), n));
            }
        }
        return "agents " + agents.stream().map(LabPgbouncer::host).toList() + " cut off from "
                + nodes.stream().map(LabNode::name).toList();
    }

    private String partitionFromKafka() {
        List<LabPgbouncer> agents = random.nextBoolean() ? lab.pgbouncers() : List.of(pick(lab.pgbouncers()));
        String[] hostPort = lab.kafkaBootstrap().split(":");
        for (LabPgbouncer a : agents) {
            cuts.add(CutOff.from(group(a), hostPort[0], Integer.parseInt(hostPort[1])));
        }
        kafkaCut = true;
        return "agents " + agents.stream().map(LabPgbouncer::host).toList() + " cut off from Kafka";
    }

    /** Lifts every cut (also after an exception or a violation). */
    void liftCuts() {
        healPartitions();
    }

    private String healPartitions() {
        int n = cuts.size();
        cuts.forEach(CutOff::close);
        cuts.clear();
        kafkaCut = false;
        return n + " cuts lifted";
    }

    private String killAgent(boolean losingState) {
        LabPgbouncer p = lab.pgbouncer(pickId(ids(lab.pgbouncers().size()).stream()
                .filter(i -> !killedAgents.contains(i)).toList()));
        fencing.killAgent(p);
        killedAgents.add(p.id());
        agentDown.computeIfAbsent(p.host(), h -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(new Instant[] {Instant.now(), null});
        if (losingState) {
            try {
                Files.deleteIfExists(fencing.configs().agentStateDir(p).resolve(EpochStore.FILE_NAME));
            } catch (IOException e) {
                throw new IllegalStateException("cannot delete the state file of " + p.host() + ": " + e, e);
            }
        }
        return "agent " + p.host() + " killed (-9)" + (losingState ? ", its state file deleted" : "");
    }

    private String restartAgent(int id) {
        LabPgbouncer p = lab.pgbouncer(id);
        fencing.startAgentSkewed(p, group(p), skewed.getOrDefault(id, Duration.ZERO));
        killedAgents.remove(id);
        String first = awaitFirstTrigger(p);
        agentDown.getOrDefault(p.host(), List.of()).stream().filter(d -> d[1] == null)
                .forEach(d -> d[1] = Instant.now());
        return "agent " + p.host() + " started" + first;
    }

    /** A running agent restarted with its wall clock {@link #SKEW} ahead or behind. */
    private String skewClock() {
        int id = pickId(ids(lab.pgbouncers().size()).stream().filter(i -> !killedAgents.contains(i)).toList());
        Duration skew = random.nextBoolean() ? SKEW : SKEW.negated();
        skewed.put(id, skew);
        LabPgbouncer p = lab.pgbouncer(id);
        restarting(p, () -> fencing.startAgentSkewed(p, group(p), skew));
        return "agent " + p.host() + " restarted with its clock " + skew.toMinutes() + " min off";
    }

    /** A stop and start of a running agent: down in between, as a kill is, for the judgement of its pgbouncer. */
    private void restarting(LabPgbouncer p, Runnable restart) {
        Instant[] span = {Instant.now(), null};
        agentDown.computeIfAbsent(p.host(), h -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(span);
        restart.run();
        awaitFirstTrigger(p);
        span[1] = Instant.now();
    }

    /**
     * Waits (at most {@link #SETTLE}) until a just-started agent has handled its first trigger, as its /metrics count:
     * until then nothing of pgfence acts on its pgbouncer (a JVM start and the first poll took up to 11 s in campaign
     * seed 2026120313, where writes through that pgbouncer reached a returning old primary meanwhile). Its down span
     * ends then, not when its process was started. Returns a note when it never did.
     */
    private String awaitFirstTrigger(LabPgbouncer p) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        java.net.URI uri = java.net.URI.create("http://" + p.address() + ":" + org.pgfence.lab.drill.DrillConfigs.AGENT_HTTP_PORT
                + "/metrics");
        Instant end = Instant.now().plus(SETTLE);
        while (Instant.now().isBefore(end)) {
            try {
                String text = http.send(java.net.http.HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                boolean triggered = text.lines().filter(l -> l.startsWith("pgfence_agent_applies_total{"))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum() > 0;
                if (triggered) {
                    return "";
                }
            } catch (java.io.IOException | RuntimeException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return " (interrupted before its first trigger)";
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        return " (no trigger handled within " + SETTLE.toSeconds() + " s)";
    }

    private String unskewClock(int id) {
        Duration was = skewed.remove(id);
        LabPgbouncer p = lab.pgbouncer(id);
        if (killedAgents.contains(id)) {
            return "agent " + p.host() + " (killed) will start with a true clock";
        }
        restarting(p, () -> fencing.startAgentInGroup(p, group(p)));
        return "agent " + p.host() + " restarted with a true clock (was " + was.toMinutes() + " min off)";
    }

    private String breakInclude() {
        int id = pickId(ids(lab.pgbouncers().size()));
        Path ini = lab.pgbouncer(id).ini();
        try {
            String healthy = Files.readString(ini);
            Files.writeString(ini, "%include " + lab.dir().resolve("no-such-" + id + ".ini") + "\n" + healthy);
            brokenIncludes.put(id, healthy);
        } catch (IOException e) {
            throw new IllegalStateException("cannot edit " + ini + ": " + e, e);
        }
        return "pgbouncer " + lab.pgbouncer(id).host() + ": a missing %include first in pgbouncer.ini";
    }

    private String repairInclude(int id) {
        Path ini = lab.pgbouncer(id).ini();
        try {
            Files.writeString(ini, brokenIncludes.remove(id));
        } catch (IOException e) {
            throw new IllegalStateException("cannot edit " + ini + ": " + e, e);
        }
        return "pgbouncer " + lab.pgbouncer(id).host() + ": pgbouncer.ini repaired";
    }

    private String startPgbouncer(int id) {
        lab.startPgbouncer(id);
        stoppedPgbouncers.remove(id);
        return "pgbouncer " + lab.pgbouncer(id).host() + " started";
    }

    private String switchover() {
        LabNode old = primary();
        int to = pickId(lab.nodes().stream().map(LabNode::id).filter(i -> i != old.id()).toList());
        lab.awaitRepmgrdWatching(old.id(), SETTLE);
        Duration took = lab.switchover(to);
        return "switchover " + old.name() + " -> " + lab.node(to).name() + " in " + took.toMillis() + " ms";
    }

    /** An intent with nothing behind it: agents pause, then the sender releases it at once, or its pause expires. */
    private String fencingStarted() {
        LabNode from = primary();
        int to = pickId(lab.nodes().stream().map(LabNode::id).filter(i -> i != from.id()).toList());
        Duration pause = Duration.ofSeconds(2 + random.nextInt(7));
        boolean abort = random.nextBoolean();
        Epoch epoch = lab.probe(from.id()).map(s -> new Epoch(s.timeline(), s.systemIdentifier()))
                .orElseThrow(() -> new IllegalStateException(from.name() + " does not answer"));
        LabNode c = lab.node(to);
        Instant now = Instant.now();
        FencingStarted intent = new FencingStarted(FencingStarted.SCHEMA_VERSION, UUID.randomUUID(),
                fencing.configs().cluster(), now, "torture", FencingStarted.Intent.SWITCHOVER,
                new NodeRef(c.id(), c.name(), c.address(), c.pgPort()), epoch, now.plus(pause));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                lab.kafkaBootstrap(), "acks", "all", "max.block.ms", "5000", "delivery.timeout.ms", "5000",
                "request.timeout.ms", "4000"), new StringSerializer(), new ByteArraySerializer())) {
            String topic = new Topics(fencing.configs().topicPrefix()).promotions();
            String key = Topics.fencingKey(intent.cluster());
            producer.send(new ProducerRecord<>(topic, key, EventJson.toBytes(intent))).get(6, TimeUnit.SECONDS);
            if (abort) {
                FencingStarted released = new FencingStarted(intent.schemaVersion(), intent.eventId(), intent.cluster(),
                        intent.occurredAt(), intent.sourceHost(), intent.intent(), intent.candidate(), intent.epoch(),
                        Instant.now().plusMillis(1));
                producer.send(new ProducerRecord<>(topic, key, EventJson.toBytes(released))).get(6, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("fencing-started not published: " + e, e);
        }
        return "fencing-started " + intent.eventId() + " from " + from.name() + " (timeline " + epoch.timeline()
                + ") to " + c.name() + ", " + (abort ? "released at once" : "pause " + pause.toSeconds() + " s to expire");
    }

    /** {@code pgfence switchover --to} a random standby, as postgres on it; an abort (exit 6) is a result too. */
    private String twoPhaseSwitchover() {
        LabNode old = primary();
        int to = pickId(lab.nodes().stream().map(LabNode::id).filter(i -> i != old.id()).toList());
        lab.awaitRepmgrdWatching(old.id(), SETTLE);
        LabNode target = lab.node(to);
        Instant start = Instant.now();
        Exec.Result r = Exec.asPostgres(Duration.ofSeconds(150), lab.pgfenceCommand().toString(), "switchover",
                "--config", fencing.configs().promoteConfig(to).toString(), "--to", target.name(), "--pause", "60s",
                "--pause-wait", "10s");
        long ms = Duration.between(start, Instant.now()).toMillis();
        String last = r.output().strip().lines().filter(l -> l.matches("  node\\d+: .*") || l.startsWith("pgfence switchover")
                || l.startsWith("switch")).map(String::strip).reduce((a, b) -> a + "; " + b).orElse("");
        if (r.exitCode() == 6) {
            return "pgfence switchover " + old.name() + " -> " + target.name() + " aborted in " + ms + " ms: " + last;
        }
        if (r.exitCode() != 0 && r.exitCode() != 1) {
            throw new IllegalStateException("pgfence switchover to " + target.name() + " exit " + r.exitCode() + ": "
                    + oneLine(r.output()));
        }
        lab.settleAfterSwitchover(to);
        return "pgfence switchover " + old.name() + " -> " + target.name() + " in " + ms + " ms (exit " + r.exitCode()
                + "): " + last;
    }

    private static String oneLine(String s) {
        String flat = s.replace('\n', ' ');
        return flat.length() > 400 ? flat.substring(flat.length() - 400) : flat;
    }

    private String promoteByHand() {
        LabNode old = primary();
        List<Integer> standbys = lab.nodes().stream().map(LabNode::id).filter(i -> i != old.id()).toList();
        int to = pickId(standbys);
        lab.nodes().forEach(n -> lab.stopRepmgrd(n.id()));
        lab.stopNode(old.id());
        crashedAt.put(old.id(), Instant.now());
        down.add(old.id());
        crashedPrimaries.add(old.id());
        lab.promoteByHand(to);
        String followed = "";
        for (int s : standbys) {
            if (s != to) {
                try {
                    lab.follow(s, to);
                } catch (RuntimeException e) { // e.g. it received WAL past the fork point: it must be rejoined
                    down.add(s);
                    followed = "; " + lab.node(s).name() + " could not follow (left for a rejoin): " + e.getMessage();
                }
            }
        }
        standbys.stream().filter(s -> !down.contains(s)).forEach(lab::startRepmgrd); // the crashed node's: at its rejoin
        for (int s : standbys) {
            if (s != to && !down.contains(s)) {
                lab.awaitAttached(s, to, SETTLE);
            }
        }
        return "repmgrd stopped; crashed " + old.name() + "; repmgr standby promote on " + lab.node(to).name()
                + " by hand" + (followed.isEmpty() ? "; the other standby follows it" : followed);
    }

    /** Undoes every fault, in an order that lets each repair work, and leaves three nodes under one primary. */
    List<String> healAll() {
        List<String> done = new ArrayList<>();
        while (!brokenIncludes.isEmpty()) {
            done.add(repairInclude(brokenIncludes.keySet().iterator().next()));
        }
        while (!stoppedPgbouncers.isEmpty()) {
            done.add(startPgbouncer(stoppedPgbouncers.iterator().next()));
        }
        if (!cuts.isEmpty()) {
            done.add(healPartitions());
        }
        if (brokerStopped) {
            done.add(apply(Fault.START_BROKER));
        }
        while (!skewed.isEmpty()) {
            done.add(unskewClock(skewed.keySet().iterator().next()));
        }
        while (!killedAgents.isEmpty()) {
            done.add(restartAgent(killedAgents.iterator().next()));
        }
        while (!down.isEmpty() || !stale.isEmpty()) {
            done.add(rejoin(union(down, stale).get(0)));
        }
        return done;
    }

    /**
     * Whether the agent of {@code host} was down at some moment between {@code from} and {@code to}: then nothing of
     * pgfence on that host could act in that span, and its pgbouncer kept whatever it last routed.
     */
    boolean agentDownBetween(String host, Instant from, Instant to) {
        return agentDown.getOrDefault(host, List.of()).stream()
                .anyMatch(d -> d[0].isBefore(to) && (d[1] == null || d[1].isAfter(from)));
    }

    /** What is broken now, for the step line. */
    String state() {
        return "down=" + names(down) + " stale=" + names(stale) + " cuts=" + cuts.size() + (kafkaCut ? "(kafka)" : "")
                + " broker=" + (brokerStopped ? "stopped" : "up") + " killedAgents=" + killedAgents
                + " brokenIncludes=" + brokenIncludes.keySet() + " stoppedPgbouncers=" + stoppedPgbouncers
                + " skewedClocks=" + skewed.keySet();
    }

    LabNode primary() {
        return lab.currentPrimary().filter(n -> !stale.contains(n.id()))
                .orElseThrow(() -> new IllegalStateException("no primary answers"));
    }

    private List<String> names(Set<Integer> ids) {
        return ids.stream().map(i -> lab.node(i).name()).toList();
    }

    private static List<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> u = new LinkedHashSet<>(a);
        u.addAll(b);
        return new ArrayList<>(u);
    }

    private static List<Integer> ids(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(i);
        }
        return out;
    }

    private int pickId(java.util.Collection<Integer> from) {
        List<Integer> list = new ArrayList<>(from);
        return list.get(random.nextInt(list.size()));
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
