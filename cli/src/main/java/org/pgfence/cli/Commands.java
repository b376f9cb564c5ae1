package org.pgfence.cli;

import java.util.List;
import java.util.Map;
import org.pgfence.audit.AuditCommand;
import org.pgfence.consumer.AgentCommand;
import org.pgfence.consumer.ApplyCommand;
import org.pgfence.consumer.RenderCommand;
import org.pgfence.producer.MaintenanceCommand;
import org.pgfence.producer.NotifyCommand;
import org.pgfence.producer.PromoteCommand;
import org.pgfence.producer.SpoolCommand;
import org.pgfence.producer.SwitchoverCommand;

/** The production commands, one object each, built with the process environment. */
final class Commands {
    private Commands() {
    }

    /** The command named {@code name} if it runs in repmgrd's failover path, else null. */
    static Object failoverPath(Map<String, String> env, String name) {
        return switch (name) {
            case "promote" -> new PromoteCommand(env);
            case "notify" -> new NotifyCommand(env);
            case "spool" -> new SpoolCommand(env);
            default -> null;
        };
    }

    static List<Object> production(Map<String, String> env) {
        return List.of(
                new PromoteCommand(env), new NotifyCommand(env), new SpoolCommand(env),
                new MaintenanceCommand.Pause(env), new MaintenanceCommand.Resume(env), new SwitchoverCommand(env),
                new AgentCommand(env), new RenderCommand(env), new ApplyCommand(env),
                AuditCommand.command(env));
    }
}
