package org.pgfence.producer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.pgfence.events.AckStatus;
import org.pgfence.events.AgentHeartbeat;
import org.pgfence.events.Epoch;
import org.pgfence.events.FencingAck;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.Trigger;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ConfigReader;
import org.pgfence.process.ExitCode;
import org.pgfence.producer.postgres.LocalNode;
import org.pgfence.producer.postgres.LocalStandby;
import org.pgfence.producer.promotion.PromotionRunner;
import org.pgfence.producer.switchover.FleetView;
import org.pgfence.runtime.Deadline;
import org.pgfence.runtime.kafka.EventPublisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pgfence switchover --to NODE}: a planned switchover whose clients queue instead of failing (DESIGN
 * "Two-phase fencing"). Run where {@code repmgr standby switchover} must run, on the standby to promote:
 * <ol>
 *   <li>reads which agents serve the cluster (their heartbeats) and the epoch this standby follows;</li>
 *   <li>publishes {@code fencing-started} and waits (bounded) until every one of those agents acks PAUSED: their rw
 *   databases are paused, new queries queue in pgbouncer;</li>
 *   <li>runs {@code repmgr standby switchover --siblings-follow}, then announces the promotion (as {@code pgfence
 *   promote} does), and waits until every agent routes to this node: each RESUMEs, its queued clients continue here.</li>
 * </ol>
 * An agent that does not pause in time, or a failed repmgr, aborts: the intent is published again with its pause
 * ending now, and every agent resumes where it was. Never spooled: the operator must know.
 */
@Command(name = "switchover", mixinStandardHelpOptions = true,
        description = {"Planned switchover with queued, not failed, clients: run on the standby to promote.",
                "Pauses every agent's rw databases (fencing-started), runs repmgr standby switchover --siblings-follow,",
                "announces the promotion and waits until every agent routes here.",
                "Exit codes: 0 switched, every agent routes here; 1 switched, but not every agent acked in time (see",
                "pgfence audit status); 2 usage (--to is not this node); 3 config; 4 Kafka or this node unreachable,",
                "nothing changed; 6 not switched: an agent did not pause in time, this node is not a standby, or repmgr",
                "failed (every agent was released)."})
public final class SwitchoverCommand implements Callable<Integer> {
    /** Not switched over; every agent told to resume. */
    public static final int NOT_SWITCHED = ExitCode.ABORTED.code();
    private final Map<String, String> env;
    private final Clock clock;
    private final PromotionRunner runner = new PromotionRunner();

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "producer YAML config of this node")
    Path config;

    @Option(names = "--to", required = true, paramLabel = "NODE",
            description = "the node to promote: this node's repmgr node_name (a safety check)")
    String to;

    @Option(names = "--pause", paramLabel = "DURATION", defaultValue = "60s",
            description = "how long agents hold the pause at most (default ${DEFAULT-VALUE}); bounds the switchover")
    String pause;

    @Option(names = "--pause-wait", paramLabel = "DURATION", defaultValue = "10s",
            description = "how long to wait for every agent to pause (default ${DEFAULT-VALUE})")
    String pauseWait;

    @Option(names = "--fenced-wait", paramLabel = "DURATION", defaultValue = "30s",
            description = "how long to wait, after the switchover, for every agent to route here (default ${DEFAULT-VALUE})")
    String fencedWait;

    @Option(names = "--agents-seen-within", paramLabel = "DURATION", defaultValue = "2m",
            description = "agents whose last heartbeat is older are not waited for (default ${DEFAULT-VALUE})")
    String seenWithin;

    public SwitchoverCommand(Map<String, String> env) {
        this(env, Clock.systemUTC());
    }

    SwitchoverCommand(Map<String, String> env, Clock clock) {
        this.env = env;
        this.clock = clock;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Duration> durations = new java.util.TreeMap<>();
        Map.of("--pause", pause, "--pause-wait", pauseWait, "--fenced-wait", fencedWait, "--agents-seen-within",
                seenWithin).forEach((option, text) -> durations.put(option, positive(text)));
        List<String> bad = durations.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey).toList();
        if (!bad.isEmpty()) {
            err.println("pgfence switchover: " + bad + " must be positive durations (500ms, 30s, 2m); nothing changed");
            return ExitCode.USAGE.code();
        }
        Duration pauseFor = durations.get("--pause");
        Duration waitPaused = durations.get("--pause-wait");
        Duration waitFenced = durations.get("--fenced-wait");
        Duration within = durations.get("--agents-seen-within");
        PromoterConfig c;
        try {
            c = PromoterConfig.load(config, env);
        } catch (ConfigException e) {
            err.println("pgfence switchover: " + e.getMessage());
            return ExitCode.CONFIG.code();
        }
        if (!to.equals(c.repmgr().nodeName())) {
            err.println("pgfence switchover: --to " + to + " is not this node (" + c.repmgr().nodeName() + " per "
                    + c.repmgrConfig() + "): run it on " + to + ", as repmgr standby switchover promotes the node it runs on");
            return ExitCode.USAGE.code();
        }
        LocalStandby self;
        try (LocalNode local = new LocalNode(c.local())) {
            self = local.standby(Deadline.after(clock, c.verifyTimeout()));
        } catch (SQLException e) {
            err.println("pgfence switchover: cannot read this node (" + c.local().tcpHost() + "): " + e.getMessage()
                    + "; nothing changed");
            return ExitCode.UNAVAILABLE.code();
        }
        if (!self.inRecovery()) {
            err.println("pgfence switchover: " + to + " is not a standby (it is out of recovery); nothing changed");
            return NOT_SWITCHED;
        }
        String host = c.host() != null ? c.host() : HostName.local();
        String cluster = c.cluster();
        OptionalInt former = self.primary().map(p -> OptionalInt.of(p.nodeId())).orElse(OptionalInt.empty());
        try (FleetView fleet = new FleetView(new KafkaConsumer<String, Decoded>(c.kafka().consumer(
                     "pgfence-switchover." + host, "pgfence-switchover." + host + "." + UUID.randomUUID())), c.kafka().topics());
             EventPublisher publisher = new EventPublisher(new KafkaProducer<String, PgfenceEvent>(
                     c.kafka().producer("pgfence-switchover." + host, c.publishDeadline())), c.kafka().topics(),
                     c.publishDeadline())) {
            Map<String, AgentHeartbeat> agents;
            FencingStarted intent;
            try {
                Deadline setup = Deadline.after(clock, c.publishDeadline().multipliedBy(2));
                agents = fleet.agents(cluster, clock.instant(), within, setup);
                fleet.watchAcksFromNow(setup);
                Instant now = clock.instant();
                intent = new FencingStarted(FencingStarted.SCHEMA_VERSION, UUID.randomUUID(), cluster, now, host,
                        FencingStarted.Intent.SWITCHOVER, new NodeRef(c.repmgr().nodeId(), c.repmgr().nodeName(),
                        c.repmgr().conninfo().tcpHost(), c.repmgr().conninfo().port()), self.epoch(), now.plus(pauseFor));
                publisher.publish(intent);
            } catch (FleetView.UnavailableException | EventPublisher.PublishException | RuntimeException e) {
                err.println("pgfence switchover: Kafka: " + e.getMessage() + "; nothing changed");
                return ExitCode.UNAVAILABLE.code();
            }
            out.println("fencing-started " + intent.eventId() + ": " + agents.size() + " agent(s) of " + cluster
                    + " to pause " + agents.keySet() + ", pause held until " + intent.pauseUntil());
            Set<String> hosts = agents.keySet();
            Map<String, FencingAck> paused = fleet.awaitAcks(hosts, a -> intent.eventId().equals(a.eventId()), a -> true,
                    Deadline.after(clock, waitPaused));
            List<String> notPaused = new ArrayList<>();
            for (String h : hosts) {
                FencingAck a = paused.get(h);
                out.println("  " + h + ": " + (a == null ? "no answer in " + waitPaused.toSeconds() + " s"
                        : a.status() + (a.error() == null ? "" : " (" + a.error() + ")")));
                if (a == null || a.status() != AckStatus.PAUSED) {
                    notPaused.add(h);
                }
            }
            if (!notPaused.isEmpty()) {
                release(publisher, intent, err);
                err.println("pgfence switchover: not every agent paused " + notPaused + ": NOT switched over; every"
                        + " agent was told to resume");
                return NOT_SWITCHED;
            }
            List<String> argv = List.of((c.bindir() == null ? PromoterConfig.DEFAULT_BINDIR : c.bindir())
                    .resolve("repmgr").toString(), "standby", "switchover", "-f", c.repmgrConfig().toString(),
                    PromoterConfig.SIBLINGS_FOLLOW);
            out.println("every agent paused; running " + String.join(" ", argv));
            out.flush();
            Instant started = clock.instant();
            int rc = runner.run(argv, pauseFor);
            if (rc != 0) {
                release(publisher, intent, err);
                err.println("pgfence switchover: repmgr standby switchover failed (exit " + rc + "); every agent was"
                        + " told to resume where it verifies a primary; check 'repmgr cluster show'");
                return NOT_SWITCHED;
            }
            Instant switched = clock.instant();
            Announcer.Outcome announced = announce(c, switched, former);
            out.println("switched over in " + Duration.between(started, switched).toMillis() + " ms; promotion "
                    + announced.name().toLowerCase(java.util.Locale.ROOT));
            Epoch from = self.epoch();
            Map<String, FencingAck> routed = fleet.awaitAcks(hosts, a -> a.status().isGood() && a.epoch() != null
                    && a.epoch().systemIdentifier().equals(from.systemIdentifier())
                    && a.epoch().timeline() > from.timeline(), a -> true, Deadline.after(clock, waitFenced));
            List<String> late = new ArrayList<>();
            for (String h : hosts) {
                FencingAck a = routed.get(h);
                out.println("  " + h + ": " + (a == null ? "no ack on the new primary in " + waitFenced.toSeconds() + " s"
                        : a.status() + " at timeline " + a.epoch().timeline() + ", " + relative(switched,
                        a.timings().completedAt())));
                if (a == null) {
                    late.add(h);
                }
            }
            release(publisher, intent, err); // the topic's latest intent is then an ended one: no agent pauses on it again
            if (!late.isEmpty()) {
                err.println("pgfence switchover: switched over to " + to + ", but " + late + " did not ack it in time"
                        + " (told to resume to whatever they verify); see pgfence audit status");
                return ExitCode.CHECK_FAILED.code();
            }
            out.println("switchover to " + to + " complete: every agent routes here");
            return ExitCode.OK.code();
        }
    }

    /** When an agent routed here, relative to repmgr's return (agents move on the promotion, before repmgr is done). */
    static String relative(Instant repmgrReturned, Instant at) {
        long ms = Duration.between(repmgrReturned, at).toMillis();
        return ms >= 0 ? ms + " ms after repmgr returned" : -ms + " ms before repmgr returned";
    }

    /** The promotion, announced as {@code pgfence promote} does it (spooled if Kafka does not take it). */
    private Announcer.Outcome announce(PromoterConfig c, Instant at, OptionalInt former) {
        try (ProducerRuntime rt = new ProducerRuntime(c, clock)) {
            return rt.announcer.announce(new Announcement(Trigger.SWITCHOVER, null, at, former),
                    rt.overall(c.verifyTimeout()));
        }
    }

    /** The intent again, its pause ending now: every agent holding it resumes (the abort path). */
    private void release(EventPublisher publisher, FencingStarted intent, PrintWriter err) throws InterruptedException {
        try {
            publisher.publish(intent.endedAt(clock.instant()));
        } catch (EventPublisher.PublishException e) {
            err.println("pgfence switchover: could not tell the agents to resume (" + e.getMessage() + "); their pause"
                    + " ends at " + intent.pauseUntil());
        }
    }

    /** The duration {@code text} says, or null when it says none or not a positive one. */
    private static Duration positive(String text) {
        Duration d = text == null ? null : ConfigReader.parseDuration(text.strip());
        return d == null || d.isZero() || d.isNegative() ? null : d;
    }
}
