package org.pgfence.consumer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pgfence.consumer.agent.Acks;
import org.pgfence.consumer.agent.Planner;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.config.AgentConfigLoader;
import org.pgfence.consumer.config.ClusterConfig;
import org.pgfence.consumer.decision.ClusterPlan;
import org.pgfence.consumer.decision.Decider;
import org.pgfence.consumer.discovery.ClusterDiscovery;
import org.pgfence.consumer.discovery.JdbcNodeProbe;
import org.pgfence.consumer.ini.IniRenderer;
import org.pgfence.consumer.ini.RenderedCluster;
import org.pgfence.consumer.state.EpochStore;
import org.pgfence.events.ClusterRouting;
import org.pgfence.events.RoutingReport;
import org.pgfence.pgbouncer.ini.RenderedIni;
import org.pgfence.pgbouncer.ini.UnsafeValueException;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pgfence render --config FILE [--cluster C] [--json]}: the database ini this host would get now, on stdout
 * (with {@code --json}: a {@link RoutingReport} of each cluster's routing, with the ini).
 * Writes nothing, reloads nothing. Exit 0; 4 when a cluster had no reachable node (the fail-closed
 * render is still printed); 2 for an unknown cluster.
 */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Print the pgbouncer database ini this host would get now; change nothing.")
public final class RenderCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "agent YAML config")
    Path config;

    @Option(names = "--cluster", paramLabel = "C", description = "only this cluster's entries")
    String cluster;

    @Option(names = "--json", description = "print a routing report (each cluster's routing, and the ini) as JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    public RenderCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws ConfigException, InterruptedException {
        AgentConfig cfg = AgentConfigLoader.load(config, env);
        PrintWriter err = spec.commandLine().getErr();
        if (cluster != null && cfg.cluster(cluster).isEmpty()) {
            err.println("pgfence: unknown cluster '" + cluster + "', configured: " + cfg.clusterNames());
            return ExitCode.USAGE.code();
        }
        EpochStore epochs;
        try {
            epochs = EpochStore.peek(cfg.stateDir());
        } catch (IOException e) {
            err.println("pgfence: cannot read stateDir " + cfg.stateDir() + ": " + e.getMessage());
            return ExitCode.ENVIRONMENT.code();
        }
        Clock clock = Clock.systemUTC();
        List<RenderedCluster> plans = new ArrayList<>();
        List<ClusterRouting> routing = new ArrayList<>();
        Acks targets = new Acks(cfg.host(), "render", cfg.failClosed());
        boolean allReachable = true;
        ExecutorService executor = Executors.newCachedThreadPool();
        try (JdbcNodeProbe probe = new JdbcNodeProbe()) {
            Planner planner = new Planner(cfg, new ClusterDiscovery(probe, executor, clock), new Decider(), epochs);
            for (ClusterConfig c : cfg.clusters()) {
                if (cluster == null || cluster.equals(c.name())) {
                    Planner.Planned planned = planner.plan(c, null);
                    planned.plan().warnings().forEach(w -> err.println("pgfence: " + c.name() + ": " + w));
                    if (planned.plan().fencedClosed()) {
                        err.println("pgfence: " + c.name() + ": rw fenced closed: " + planned.plan().rw().reason());
                    }
                    allReachable &= planned.snapshot().anyReachable();
                    plans.add(new RenderedCluster(planned.plan(), null, clock.instant()));
                    ClusterPlan plan = planned.plan();
                    routing.add(new ClusterRouting(c.name(), plan.fencedClosed() ? null : plan.rw().epoch(),
                            epochs.floor(c.name()).orElse(null), plan.fencedClosed(), null, clock.instant(),
                            targets.targets(plan), plan.fencedClosed() ? plan.rw().reason() : null));
                }
            }
        } finally {
            executor.shutdownNow();
        }
        try {
            RenderedIni ini = new IniRenderer(cfg.host(), cfg.failClosed()).render(plans);
            spec.commandLine().getOut().print(json ? new RoutingReport(RoutingReport.SCHEMA_VERSION, cfg.host(), routing,
                    ini.sha256(), ini.text()).toJson() + "\n" : ini.text());
            spec.commandLine().getOut().flush();
        } catch (UnsafeValueException e) {
            err.println("pgfence: " + e.getMessage());
            return ExitCode.CHECK_FAILED.code();
        }
        return allReachable ? ExitCode.OK.code() : ExitCode.UNAVAILABLE.code();
    }
}
