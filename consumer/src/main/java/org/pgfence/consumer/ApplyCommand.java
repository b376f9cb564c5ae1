package org.pgfence.consumer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pgfence.consumer.agent.HostFencing;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.config.AgentConfigLoader;
import org.pgfence.consumer.config.EnvFile;
import org.pgfence.consumer.http.Metrics;
import org.pgfence.consumer.state.ClusterStatus;
import org.pgfence.consumer.state.StatusBoard;
import org.pgfence.events.AckStatus;
import org.pgfence.events.Epoch;
import org.pgfence.events.FencingAck;
import org.pgfence.events.RoutingReport;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pgfence apply --config FILE [--env-file FILE] [--floor CLUSTER=TLI@SYSID]... [--json]}: one reconcile of every cluster of
 * this host, exactly as the agent does it (verify the nodes, decide under the epoch floor, write the ini, RELOAD,
 * verify, DISABLE/ENABLE, KILL what is off target, RESUME), then a report. The auditor's SSH repair runs it; an
 * operator may too. {@code --floor} raises the host's epoch floor first, as an announced promotion does.
 * Exit 0 when every cluster is routed; 4 when one is fenced closed; 1 when an apply failed; 2 for bad arguments.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Fence this pgbouncer host now, once, as the agent does; print what it routes.")
public final class ApplyCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "agent YAML config")
    Path config;

    @Option(names = "--floor", paramLabel = "CLUSTER=TLI@SYSID",
            description = "raise the epoch floor of CLUSTER first (the auditor passes the promotion's epoch)")
    List<String> floors = new ArrayList<>();

    @Option(names = "--json", description = "print the routing report as JSON (for the auditor)")
    boolean json;

    @Option(names = "--env-file", paramLabel = "FILE",
            description = "read KEY=VALUE lines (the agent unit's EnvironmentFile, with its secrets) into the environment")
    Path envFile;

    @Spec
    CommandSpec spec;

    public ApplyCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws ConfigException, InterruptedException {
        AgentConfig cfg = AgentConfigLoader.load(config, envFile == null ? env : EnvFile.over(env, envFile));
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Epoch> raise = new java.util.LinkedHashMap<>();
        for (String f : floors) {
            String problem = parseFloor(f, cfg, raise);
            if (problem != null) {
                err.println("pgfence: --floor " + f + ": " + problem);
                return ExitCode.USAGE.code();
            }
        }
        StatusBoard board = new StatusBoard();
        List<FencingAck> acks = new ArrayList<>();
        try (HostFencing fencing = new HostFencing(cfg, cfg.host() + "/apply", board, new Metrics(),
                Clock.systemUTC())) {
            for (Map.Entry<String, Epoch> e : raise.entrySet()) {
                fencing.epochs().raise(e.getKey(), e.getValue());
            }
            for (String cluster : cfg.clusterNames()) {
                acks.add(fencing.reconciler().reconcile(cluster, Clock.systemUTC().instant()));
            }
        } catch (IOException e) {
            err.println("pgfence: cannot use stateDir " + cfg.stateDir() + ": " + e.getMessage());
            return ExitCode.ENVIRONMENT.code();
        }
        String sha = acks.stream().map(FencingAck::configSha256).filter(java.util.Objects::nonNull)
                .reduce((a, b) -> b).orElse(null);
        RoutingReport report = new RoutingReport(RoutingReport.SCHEMA_VERSION, cfg.host(),
                board.all().stream().map(ClusterStatus::routing).toList(), sha, null);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(report.toJson());
        } else {
            for (FencingAck a : acks) {
                out.println(a.cluster() + ": " + a.status() + (a.epoch() == null ? "" : " at " + a.epoch())
                        + (a.error() == null ? "" : ": " + a.error()));
            }
        }
        out.flush();
        if (acks.stream().anyMatch(a -> a.status() == AckStatus.FAILED)) {
            return ExitCode.CHECK_FAILED.code();
        }
        return acks.stream().anyMatch(a -> a.status() == AckStatus.FENCED_CLOSED)
                ? ExitCode.UNAVAILABLE.code() : ExitCode.OK.code();
    }

    /** Adds {@code CLUSTER=TLI@SYSID} to {@code into}; returns what is wrong with it, or null. */
    static String parseFloor(String value, AgentConfig cfg, Map<String, Epoch> into) {
        int eq = value.indexOf('=');
        int at = value.indexOf('@');
        if (eq <= 0 || at < eq) {
            return "expected CLUSTER=TIMELINE@SYSTEM_IDENTIFIER, e.g. main=3@7441234567890123456";
        }
        String cluster = value.substring(0, eq);
        if (cfg.cluster(cluster).isEmpty()) {
            return "unknown cluster '" + cluster + "', configured: " + cfg.clusterNames();
        }
        try {
            into.put(cluster, new Epoch(Integer.parseInt(value.substring(eq + 1, at)), value.substring(at + 1)));
            return null;
        } catch (RuntimeException e) {
            return "expected a positive timeline and a system identifier after '=': " + e.getMessage();
        }
    }
}
