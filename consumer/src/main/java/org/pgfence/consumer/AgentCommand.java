package org.pgfence.consumer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.pgfence.consumer.agent.Agent;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.config.AgentConfigLoader;
import org.pgfence.consumer.internal.Hangup;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ExitCode;
import org.pgfence.process.FatalErrors;
import org.pgfence.process.TermHook;
import org.pgfence.process.Threads;
import org.pgfence.runtime.kafka.TopicInstaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgfence agent --config FILE}: the fencing daemon of one pgbouncer host. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the fencing agent of this pgbouncer host until stopped (SIGTERM); SIGHUP reconciles now.")
public final class AgentCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(15);
    private final Map<String, String> env;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "agent YAML config")
    Path config;

    @Spec
    CommandSpec spec;

    public AgentCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws ConfigException {
        FatalErrors.exitOnError("agent"); // a thread dead of an Error (a class that failed to initialise): restart
        AgentConfig cfg = AgentConfigLoader.load(config, env);
        LOG.info("effective config: {}", cfg.masked());
        // in the background: the reconcile on start must not wait for Kafka (it fences even while Kafka is down)
        Threads.start("pgfence-topics", () -> ensureTopics(cfg));
        Agent agent;
        try {
            agent = new Agent(cfg, Clock.systemUTC(), version());
        } catch (IOException e) {
            spec.commandLine().getErr().println("pgfence: " + (e.getMessage() != null && e.getMessage()
                    .startsWith("cannot listen on http") ? e.getMessage() : "cannot use stateDir " + cfg.stateDir()
                    + ": " + e.getMessage()));
            return ExitCode.ENVIRONMENT.code();
        }
        Hangup.onHangup(agent::reconcileNow);
        try (TermHook term = TermHook.install("pgfence-agent-stop", agent::shutdown, STOP_WAIT); agent) {
            agent.run();
        }
        return ExitCode.OK.code();
    }

    private static void ensureTopics(AgentConfig cfg) {
        try {
            TopicInstaller.ensure(cfg.kafka(), cfg.applyTimeout());
        } catch (Exception e) {
            LOG.warn("could not ensure Kafka topics (continuing, the consumer retries): {}", e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String version() {
        try (InputStream in = AgentCommand.class.getResourceAsStream("/pgfence-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
