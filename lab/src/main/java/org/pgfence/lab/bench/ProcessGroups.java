package org.pgfence.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.pgfence.lab.kafka.BrokerMain;

/**
 * The CPU every process on the machine has used, summed by what the process is (the agents, the Kafka broker,
 * PostgreSQL, pgbouncer, repmgr, the other JVMs, such as the announcing {@code pgfence notify}, and this bench's own
 * JVM), as cumulative ticks: each process counts with the last utime + stime seen for it, so one that exits keeps what
 * it used up to the sample before its exit, and one first seen was started since the previous sample (every call
 * scans all of {@code /proc}). What no group holds (sshd, the kernel's threads, a process born and gone between two
 * samples) is the machine's busy time less the groups' and the interrupts' (irq and softirq, charged to no process).
 */
final class ProcessGroups {
    static final String AGENTS = "agents";
    static final String BROKER = "kafka broker";
    static final String POSTGRES = "postgresql";
    static final String PGBOUNCER = "pgbouncer";
    static final String REPMGR = "repmgr";
    static final String OTHER_JVMS = "other JVMs (notify)";
    static final String BENCH = "bench JVM";
    /** In a window's usage: irq and softirq time, charged to no process (/proc/stat). */
    static final String INTERRUPTS = "irq+softirq";
    /** In a window's usage: the machine's busy time less every group's and the interrupts'. */
    static final String REST = "rest";
    /** In a window's usage: the machine's busy time, all cores. */
    static final String MACHINE = "machine";
    static final List<String> ORDER = List.of(AGENTS, BROKER, POSTGRES, PGBOUNCER, REPMGR, OTHER_JVMS, BENCH);
    private static final String NONE = "";

    private final Set<Long> agents;
    private final long self = ProcessHandle.current().pid();
    private final Map<Long, String> groupOf = new HashMap<>();
    private final Map<Long, Long> lastTicks = new HashMap<>();

    ProcessGroups(Collection<Long> agents) {
        this.agents = Set.copyOf(agents);
    }

    /** Cumulative ticks by group, every group of {@link #ORDER} present. */
    Map<String, Long> ticks() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                String group = groupOf.computeIfAbsent(pid, this::classify);
                if (!group.equals(NONE)) {
                    long ticks = Proc.cpuTicks(pid);
                    if (ticks > 0) {
                        lastTicks.put(pid, ticks);
                    }
                }
            }
        } catch (IOException e) {
            // /proc unreadable: the last totals stand
        }
        Map<String, Long> out = new TreeMap<>();
        ORDER.forEach(g -> out.put(g, 0L));
        lastTicks.forEach((pid, ticks) -> out.merge(groupOf.get(pid), ticks, Long::sum));
        return out;
    }

    private String classify(long pid) {
        if (agents.contains(pid)) {
            return AGENTS;
        }
        if (pid == self) {
            return BENCH;
        }
        return switch (Proc.comm(Proc.read(Path.of("/proc/" + pid + "/stat")))) {
            case "postgres" -> POSTGRES;
            case "pgbouncer" -> PGBOUNCER;
            case "repmgr", "repmgrd" -> REPMGR;
            case "java" -> Proc.read(Path.of("/proc/" + pid + "/cmdline")).contains(BrokerMain.class.getName()) ? BROKER
                    : OTHER_JVMS;
            default -> NONE;
        };
    }
}
