package org.pgfence.lab.fleet;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.pgfence.consumer.agent.Agent;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.config.AgentConfigLoader;
import org.pgfence.lab.LabException;
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ExitCode;
import org.pgfence.process.Threads;

/**
 * N real agents in this JVM, each built from its own config file as {@code pgfence agent --config} builds it (own host
 * name, consumer group, Kafka clients, state dir, probes, console target; no HTTP endpoint), each on a thread of its
 * own. Threads of one JVM are not N processes: they share a heap, a JIT and the machine's two cores' scheduling, so
 * what the JVM costs is the fleet's, not a host's. {@link #close()} stops them all, bounded.
 */
final class FleetAgents implements AutoCloseable {
    static final String VERSION = "lab-fleet";
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final List<FleetHost> hosts;
    private final List<Agent> agents = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger died = new AtomicInteger();
    private final AtomicReference<String> lastDeath = new AtomicReference<>();

    private FleetAgents(List<FleetHost> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    /** Writes every host's config ({@link DrillConfigs#writeHostAgent}); starts nothing. */
    static FleetAgents configure(DrillConfigs configs, List<FleetHost> hosts, Duration heartbeat,
                                 Map<String, Object> clusterOptions) {
        for (FleetHost h : hosts) {
            configs.writeHostAgent(h.config(), h.host(), h.console(), h.databaseIni(), h.stateDir(), h.suffix(),
                    heartbeat, clusterOptions);
        }
        return new FleetAgents(hosts);
    }

    /** Builds and starts every agent, one every {@code ramp} (a fleet whose hosts all boot in one instant is rarer). */
    void start(Clock clock, Duration ramp) {
        for (FleetHost h : hosts) {
            AgentConfig config;
            try {
                config = AgentConfigLoader.load(h.config(), Map.of());
            } catch (ConfigException e) {
                throw new LabException(ExitCode.CONFIG, "fleet host " + h.host() + ": " + e.getMessage(), e);
            }
            Agent agent;
            try {
                agent = new Agent(config, clock, VERSION);
            } catch (IOException e) {
                throw new LabException(ExitCode.ENVIRONMENT, "fleet host " + h.host() + ": cannot use stateDir "
                        + config.stateDir() + ": " + e.getMessage(), e);
            }
            agents.add(agent);
            threads.add(Threads.start("fleet-" + h.host(), () -> run(h, agent)));
            LockSupport.parkNanos(ramp.toNanos());
        }
    }

    private void run(FleetHost h, Agent agent) {
        try (agent) {
            agent.run();
        } catch (RuntimeException e) {
            died.incrementAndGet();
            lastDeath.set(h.host() + ": " + e);
        }
    }

    List<FleetHost> hosts() {
        return hosts;
    }

    /** Agents whose loop ended with an exception, and the last such exception. */
    String deaths() {
        return died.get() == 0 ? "none" : died.get() + " (last: " + lastDeath.get() + ")";
    }

    int died() {
        return died.get();
    }

    /** Stops every agent at once, then waits (30 s at most in all) for their threads, which close the agents. */
    @Override
    public void close() {
        agents.forEach(Agent::shutdown);
        long end = System.nanoTime() + STOP_WAIT.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
