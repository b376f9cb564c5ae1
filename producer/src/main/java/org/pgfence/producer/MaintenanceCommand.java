package org.pgfence.producer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.pgfence.events.MaintenanceMode;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ExitCode;
import org.pgfence.runtime.kafka.EventPublisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pgfence pause} and {@code pgfence resume}: maintenance mode for one cluster (DESIGN rule 11), the pgfence
 * counterpart of {@code repmgr service pause}. Paused, every agent keeps observing, deciding, acking and reporting
 * ("MAINTENANCE: paused by operator: reason") but changes nothing on its pgbouncer, also across a failover; resumed,
 * every agent reconciles the cluster at once. Published on the promotions topic, which agents read on start, so an
 * agent started during maintenance honours it too. Unlike an announcement it is never spooled: the operator must
 * know whether the agents were told, so Kafka not taking it is an error (exit 4).
 */
public final class MaintenanceCommand {
    private MaintenanceCommand() {
    }

    /** What both commands share: the config, the cluster, publishing one record and saying so. */
    abstract static class Base implements Callable<Integer> {
        final Map<String, String> env;
        final Clock clock;

        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "producer YAML config (its kafka section and cluster)")
        Path config;

        @Option(names = "--cluster", paramLabel = "NAME", description = "the cluster (default: the config's cluster)")
        String cluster;

        Base(Map<String, String> env, Clock clock) {
            this.env = env;
            this.clock = clock;
        }

        abstract boolean paused();

        abstract String reason();

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String name = spec.name();
            PromoterConfig c;
            try {
                c = PromoterConfig.load(config, env);
            } catch (ConfigException e) {
                err.println("pgfence " + name + ": " + e.getMessage());
                return ExitCode.CONFIG.code();
            }
            String target = cluster != null ? cluster : c.cluster();
            String host = c.host() != null ? c.host() : HostName.local();
            String operator = env.getOrDefault("USER", System.getProperty("user.name", "unknown")) + "@" + host;
            MaintenanceMode mode = new MaintenanceMode(MaintenanceMode.SCHEMA_VERSION, UUID.randomUUID(), target,
                    clock.instant(), host, operator, paused(), reason());
            try (EventPublisher publisher = new EventPublisher(new KafkaProducer<String, PgfenceEvent>(
                    c.kafka().producer("pgfence-maintenance." + host, c.publishDeadline())), c.kafka().topics(),
                    c.publishDeadline())) {
                publisher.publish(mode);
            } catch (EventPublisher.PublishException e) {
                err.println("pgfence " + name + ": " + target + " NOT " + (paused() ? "paused" : "resumed")
                        + ", the agents were not told: " + e.getMessage());
                return ExitCode.UNAVAILABLE.code();
            }
            out.println(paused() ? "cluster " + target + " paused (maintenance: " + reason() + "); agents observe and"
                    + " report but change nothing until 'pgfence resume'" : "cluster " + target + " resumed; agents"
                    + " reconcile it now");
            return ExitCode.OK.code();
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = {"Maintenance mode: the agents of a cluster observe and report but change nothing.",
                    "Exit codes: 0 published; 3 config; 4 Kafka did not take it (nothing changed)."})
    public static final class Pause extends Base {
        @Option(names = "--reason", required = true, paramLabel = "TEXT",
                description = "why, shown in every agent's acks and the auditor's status")
        String reason;

        public Pause(Map<String, String> env) {
            super(env, Clock.systemUTC());
        }

        @Override
        boolean paused() {
            return true;
        }

        @Override
        String reason() {
            return reason;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = {"End maintenance mode: the agents of a cluster reconcile it at once.",
                    "Exit codes: 0 published; 3 config; 4 Kafka did not take it (still paused)."})
    public static final class Resume extends Base {
        public Resume(Map<String, String> env) {
            super(env, Clock.systemUTC());
        }

        @Override
        boolean paused() {
            return false;
        }

        @Override
        String reason() {
            return null;
        }
    }
}
