package org.pgfence.producer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pgfence.events.Trigger;
import org.pgfence.process.ExitCode;
import org.pgfence.producer.repmgr.PlaceholderException;
import org.pgfence.producer.repmgr.RepmgrEvent;
import org.pgfence.runtime.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pgfence notify}: repmgr's event_notification_command. Announces successful
 * {@code standby_promote}, {@code standby_switchover} and {@code repmgrd_failover_promote} events of
 * this node through the same {@link Announcer} as {@code promote}; ignores everything else.
 *
 * <p>repmgr.conf: {@code event_notification_command='/opt/pgfence/bin/pgfence notify --config /etc/pgfence/producer.yml
 * --node-id %n --event %e --success %s --timestamp "%t" --details "%d" --primary "%p" &'}: in the background, for
 * repmgr waits for the command, and {@code standby_promote} is raised inside {@code repmgr standby promote}.
 */
@Command(name = "notify", mixinStandardHelpOptions = true,
        description = {"repmgr event_notification_command: publish master-promoted for promote and switchover events.",
                "Exit codes: 0 announced, spooled or ignored; 2 bad placeholder; 3 config; 4 node not verified."})
public final class NotifyCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyCommand.class);
    private final Map<String, String> env;
    private final Clock clock;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "producer YAML config")
    Path config;

    @Option(names = "--node-id", paramLabel = "%n", description = "node the event is about")
    String nodeId;

    @Option(names = "--event", required = true, paramLabel = "%e", description = "event name")
    String event;

    @Option(names = "--success", paramLabel = "%s", description = "1 success, 0 failure")
    String success;

    @Option(names = "--timestamp", paramLabel = "%t", description = "when it happened")
    String timestamp;

    @Option(names = "--details", paramLabel = "%d", description = "repmgr's text")
    String details;

    @Option(names = "--primary", paramLabel = "%p", description = "former primary for promote/switchover events")
    String primary;

    private PrintWriter err;

    /** The options as parsed, by option name; what the CLI's fast path sets and its test compares with picocli. */
    public record Arguments(Path config, String nodeId, String event, String success, String timestamp, String details,
                            String primary) {
    }

    /**
     * The command with its options already parsed (the CLI's fast path, which skips picocli); usage errors go to
     * {@code err}.
     */
    public NotifyCommand(Map<String, String> env, Arguments arguments, PrintWriter err) {
        this(env, Clock.systemUTC());
        this.config = arguments.config();
        this.nodeId = arguments.nodeId();
        this.event = arguments.event();
        this.success = arguments.success();
        this.timestamp = arguments.timestamp();
        this.details = arguments.details();
        this.primary = arguments.primary();
        this.err = err;
    }

    public Arguments arguments() {
        return new Arguments(config, nodeId, event, success, timestamp, details, primary);
    }

    public NotifyCommand(Map<String, String> env) {
        this(env, Clock.systemUTC());
    }

    public NotifyCommand(Map<String, String> env, Clock clock) {
        this.env = env;
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        RepmgrEvent e;
        try {
            e = RepmgrEvent.parse(nodeId, event, success, timestamp, details, primary);
        } catch (PlaceholderException bad) {
            PrintWriter out = spec != null ? spec.commandLine().getErr() : err;
            out.println("pgfence notify: " + bad.getMessage());
            return ExitCode.USAGE.code();
        }
        try (ProducerRuntime rt = new ProducerRuntime(PromoterConfig.load(config, env), clock)) {
            return announce(rt, e);
        }
    }

    private int announce(ProducerRuntime rt, RepmgrEvent e) {
        Optional<Trigger> trigger = e.trigger();
        if (trigger.isEmpty()) {
            LOG.debug("Ignoring repmgr event {} (success={})", e.event(), e.successful());
            return ExitCode.OK.code();
        }
        int local = rt.config.repmgr().nodeId();
        if (e.nodeId().isPresent() && e.nodeId().getAsInt() != local) {
            LOG.warn("Ignoring {} about node {}: this is node {}", e.event(), e.nodeId().getAsInt(), local);
            return ExitCode.OK.code();
        }
        Deadline overall = rt.overall(rt.config.verifyTimeout());
        PromoteWarmup.start(rt.config, false); // the event mapper's first use happens while the node is verified
        if (rt.config.publishPrepare()) {
            rt.publishing.prepare(); // the Kafka producer connects while the node is verified, not after
        }
        rt.publishing.flush(overall);
        Announcer.Outcome outcome = rt.announcer.announce(new Announcement(trigger.get(), e.event(),
                e.timestamp().orElse(null), e.formerPrimary()), overall);
        LOG.info("repmgr event {}: announcement {}", e.event(), outcome);
        return outcome == Announcer.Outcome.NOT_VERIFIED ? ExitCode.UNAVAILABLE.code() : ExitCode.OK.code();
    }
}
