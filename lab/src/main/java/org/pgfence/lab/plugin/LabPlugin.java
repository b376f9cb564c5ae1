package org.pgfence.lab.plugin;

import java.util.List;
import java.util.Map;
import org.pgfence.cli.CommandPlugin;
import org.pgfence.lab.LabCommand;
import org.pgfence.lab.bench.BenchCommand;
import org.pgfence.lab.bench.KafkaFloorCommand;
import org.pgfence.lab.drill.DemoCommand;
import org.pgfence.lab.fleet.FleetCommand;
import org.pgfence.lab.torture.TortureCommand;

/** Adds the lab's commands to {@code pgfence}. */
public final class LabPlugin implements CommandPlugin {
    @Override
    public List<Object> commands(Map<String, String> env) {
        return List.of(new LabCommand(env), new DemoCommand(env), new BenchCommand(env), new TortureCommand(env),
                new FleetCommand(env), new KafkaFloorCommand());
    }
}
