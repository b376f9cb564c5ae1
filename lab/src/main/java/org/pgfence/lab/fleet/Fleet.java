package org.pgfence.lab.fleet;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabException;
import org.pgfence.lab.bench.CpuSampler;
import org.pgfence.lab.bench.Proc;
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.lab.drill.EventWatch;
import org.pgfence.lab.drill.Fencing;
import org.pgfence.runtime.kafka.KafkaSettings;

/**
 * One fleet cell on a lab that is up: N real agents in this JVM behind the lab's pgbouncers ({@link ConsoleTargets}),
 * the real auditor (its own JVM) expecting every one of them, repmgrd wired to {@code pgfence promote}; measured at
 * rest, through K crashes of the primary ({@link FailoverRound}) and a broker restart ({@link BrokerRestart}).
 */
public final class Fleet {
    static final String CLUSTER = "fleet";

    private final FleetOptions options;
    private final PrintStream out;
    private final Clock clock;

    public Fleet(FleetOptions options, PrintStream out, Clock clock) {
        this.options = options;
        this.out = out;
        this.clock = clock;
    }

    public FleetResult run(Lab lab, int n) {
        if (options.maxConnections() > 0) {
            MaxConnections.set(lab, options.maxConnections());
        }
        if (options.roleLimit() >= 0) {
            AgentRole.create(lab.currentPrimary().orElseThrow(() -> new LabException(
                    org.pgfence.process.ExitCode.CHECK_FAILED, "no primary to create the agents' role on")),
                    options.roleLimit());
        }
        out.printf("   N=%d: max_connections %s on every node; agents probe with %s%n", n, options.maxConnections() > 0
                ? options.maxConnections() : "as the lab has it", options.probes());
        String prefix = "fleet" + n + "-" + UUID.randomUUID().toString().substring(0, 8);
        DrillConfigs configs = new DrillConfigs(lab, CLUSTER, prefix, options.reconcile(), false);
        List<FleetHost> hosts = FleetHost.of(n, lab.pgbouncers(), lab.dir().resolve("fleet"));
        FleetWatch watch = new FleetWatch();
        Map<String, Path> nodeLogs = new LinkedHashMap<>();
        lab.nodes().forEach(node -> nodeLogs.put(node.name(), node.log()));
        RefusedConnections refused = new RefusedConnections(nodeLogs);
        Path agentLog = lab.dir().resolve("logs").resolve("fleet-agents.log");
        try (FleetLog log = new FleetLog(agentLog, clock);
             Fencing fencing = new Fencing(lab, configs, clock).start(false, false, k -> watchOf(k, watch));
             ConnectionSampler connections = new ConnectionSampler(lab.nodes(), clock);
             CpuSampler cpu = new CpuSampler(List.of(ProcessHandle.current().pid()), clock);
             GroupWatch groups = new GroupWatch(fencing.kafka());
             AuditorLag auditorLag = new AuditorLag(groups, "pgfence-audit." + prefix, clock)) {
            configs.writeAuditInventory(hosts.stream().map(FleetHost::host).toList());
            fencing.startAuditor();
            ConsoleTargets.wire(lab, hosts);
            FailoverRound.Instruments in = new FailoverRound.Instruments(watch, connections, cpu,
                    new AuditRows(lab.store()), auditorLag);
            Cell cell = new Cell(lab, fencing, hosts, in, groups, log);
            try (FleetAgents agents = FleetAgents.configure(configs, hosts, options.heartbeat(),
                    options.clusterOptions())) {
                cell.run(agents);
                return cell.result(agents.deaths(), refusals(refused, log));
            } finally {
                keepLogs(lab, n, agentLog);
            }
        }
    }

    private EventWatch watchOf(KafkaSettings kafka, FleetWatch sink) {
        return new EventWatch(kafka, clock, List.of(kafka.topics().promotions(), kafka.topics().acks()), sink);
    }

    private static FleetResult.Refusals refusals(RefusedConnections refused, FleetLog log) {
        Map<String, Long> byNode = new LinkedHashMap<>();
        String first = null;
        for (RefusedConnections.Count c : refused.counts()) {
            byNode.put(c.node(), c.refused());
            first = first == null ? c.first() : first;
        }
        return new FleetResult.Refusals(byNode, first, log.refused(), log.firstRefused(), log.warnings(),
                log.fencedClosed());
    }

    /** The agents' log and the lab's outlive the lab: {@code <tmp>/pgfence-fleet-logs/N<n>}. */
    private void keepLogs(Lab lab, int n, Path agentLog) {
        Path to = Path.of(System.getProperty("java.io.tmpdir"), "pgfence-fleet-logs", "N" + n);
        try {
            lab.keepLogs(to);
            out.printf("   logs kept in %s (the agents': %s)%n", to, agentLog.getFileName());
        } catch (IOException e) {
            out.printf("   logs not kept: %s%n", e.getMessage());
        }
    }

    /**
     * The measured steps of one cell, in order; what a step could not do ends the cell with its error, except a
     * promotion some agents did not ack in time: it ends the promotions, and the broker restart is still measured.
     */
    private final class Cell {
        private final Lab lab;
        private final Fencing fencing;
        private final List<FleetHost> hosts;
        private final FailoverRound.Instruments in;
        private final GroupWatch groups;
        private final FleetLog log;
        private FleetResult.Start start;
        private FleetResult.Rest rest;
        private final List<FleetResult.Round> rounds = new ArrayList<>();
        private FleetResult.Broker broker;
        private String stoppedBy;

        Cell(Lab lab, Fencing fencing, List<FleetHost> hosts, FailoverRound.Instruments in, GroupWatch groups,
             FleetLog log) {
            this.lab = lab;
            this.fencing = fencing;
            this.hosts = hosts;
            this.in = in;
            this.groups = groups;
            this.log = log;
        }

        void run(FleetAgents agents) {
            try {
                start = start(agents);
                FailoverRound round = new FailoverRound(lab, fencing, hosts, in, out, clock);
                for (int i = 1; i <= options.promotions(); i++) {
                    if (i > 1) {
                        FleetResult.Round last = rounds.get(rounds.size() - 1);
                        round.restore(last.crashed(), last.promoted());
                        out.printf("   %s rejoined as a standby of %s; waiting one reconcile interval (%d s) for the"
                                + " agents to reconnect%n", last.crashed(), last.promoted(), options.reconcile().toSeconds());
                        LockSupport.parkNanos(options.reconcile().toNanos());
                    }
                    rest = rest == null ? rest() : rest;
                    FleetResult.Round r = round.run(i);
                    rounds.add(r);
                    FleetReport.round(out, r);
                    if (r.error() != null) {
                        // no further promotion (it would start before every agent converged); the broker restart
                        // measures the groups all the same (N=500 never reached it when this returned here)
                        stoppedBy = "promotion " + i + ": " + r.error();
                        break;
                    }
                }
                if (options.brokerRestart()) {
                    broker = new BrokerRestart(lab, groups, log, clock).run(hosts,
                            fencing.kafka().topics().promotions());
                    FleetReport.broker(out, broker);
                }
            } catch (LabException e) {
                stoppedBy = e.getMessage().lines().findFirst().orElse(e.toString());
                out.printf("   stopped: %s%n", stoppedBy);
            }
        }

        private FleetResult.Start start(FleetAgents agents) {
            Instant begin = clock.instant();
            agents.start(clock, options.ramp());
            Duration wait = Duration.ofSeconds(60).plusMillis(300L * hosts.size());
            Instant end = begin.plus(wait);
            while (clock.instant().isBefore(end) && !hosts.stream()
                    .allMatch(h -> in.watch().firstSince(h.host(), begin).isPresent())) {
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
            int acked = (int) hosts.stream().filter(h -> in.watch().firstSince(h.host(), begin).isPresent()).count();
            long good = hosts.stream().filter(h -> in.watch().firstSince(h.host(), begin)
                    .map(a -> a.ack().status().isGood()).orElse(false)).count();
            Instant now = clock.instant();
            FleetResult.Start s = new FleetResult.Start(Duration.between(begin, now).toMillis(), acked, good,
                    in.connections().windows(begin, now));
            FleetReport.start(out, hosts.size(), s, options.ramp());
            if (acked < hosts.size()) {
                throw new LabException(org.pgfence.process.ExitCode.CHECK_FAILED, (hosts.size() - acked) + " of "
                        + hosts.size() + " agents did not ack their first reconcile within " + wait.toSeconds() + " s");
            }
            return s;
        }

        private FleetResult.Rest rest() {
            fencing.auditStatus("--cluster", CLUSTER); // loads its classes now: the round times its answers
            Instant from = clock.instant();
            LockSupport.parkNanos(options.rest().toNanos());
            Instant to = clock.instant();
            long pid = ProcessHandle.current().pid();
            CpuSampler.Usage used = cpuUsage(from, to);
            double core = 100.0 * used.agentsMillis() / Math.max(1, Duration.between(from, to).toMillis());
            FleetResult.Rest r = new FleetResult.Rest(in.connections().windows(from, to), FailoverRound.rssMb(),
                    Proc.statusKb(pid, "Threads:"), core, in.auditorLag().peak(from, to));
            FleetReport.rest(out, r, options.rest());
            return r;
        }

        /** The JVM's CPU in [from, to], once the sampler has a sample after {@code to} (a starved sampler: 5 s at most). */
        private CpuSampler.Usage cpuUsage(Instant from, Instant to) {
            Instant end = clock.instant().plusSeconds(5);
            while (in.cpu().usage(from, to).isEmpty() && clock.instant().isBefore(end)) {
                LockSupport.parkNanos(CpuSampler.PERIOD.toNanos());
            }
            return in.cpu().usage(from, to).orElse(new CpuSampler.Usage(-1, 1, -1));
        }

        FleetResult result(String deaths, FleetResult.Refusals refusals) {
            int max = start == null ? -1 : start.connections().stream().mapToInt(NodeConnections::maxConnections).max()
                    .orElse(-1);
            return new FleetResult(hosts.size(), max, options.mode(), start, rest, List.copyOf(rounds), broker, refusals, deaths,
                    stoppedBy);
        }
    }
}
