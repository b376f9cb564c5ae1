package org.pgfence.lab.fleet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.LabPgbouncer;

/**
 * One simulated pgbouncer host of a fleet: an agent named {@code fleet-0001} with its own config, state dir, consumer
 * group and {@code [databases]} file (databases {@code appdb-rw-0001}, {@code appdb-ro-0001}), whose console target
 * is one of the lab's pgbouncers ({@link ConsoleTargets}).
 */
public record FleetHost(int index, String host, LabPgbouncer console, Path dir) {

    /** {@code n} hosts under {@code root}, spread round-robin over {@code consoles}. */
    static List<FleetHost> of(int n, List<LabPgbouncer> consoles, Path root) {
        List<FleetHost> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String host = String.format("fleet-%04d", i);
            out.add(new FleetHost(i, host, consoles.get((i - 1) % consoles.size()), root.resolve(host)));
        }
        return out;
    }

    /** What the host's database names end in: {@code -0001}. */
    String suffix() {
        return String.format("-%04d", index);
    }

    public String rwDatabase() {
        return "appdb-rw" + suffix();
    }

    Path config() {
        return dir.resolve("agent.yaml");
    }

    Path databaseIni() {
        return dir.resolve("pgbouncer.database.ini");
    }

    Path stateDir() {
        return dir.resolve("state");
    }

    String group() {
        return Topics.agentGroup(host);
    }
}
