package org.pgfence.cli;

import java.util.List;
import java.util.Map;
import org.pgfence.audit.AuditCommand;
import org.pgfence.consumer.AgentCommand;
import org.pgfence.consumer.RenderCommand;
import org.pgfence.producer.NotifyCommand;
import org.pgfence.producer.PromoteCommand;
import org.pgfence.producer.SpoolCommand;

/** The production commands, one object each, built with the process environment. */
final class Commands {
    private Commands() {
    }

    static List<Object> production(Map<String, String> env) {
        return List.of(
                new PromoteCommand(env), new NotifyCommand(env), new SpoolCommand(env),
                new AgentCommand(env), new RenderCommand(env),
                AuditCommand.command(env));
    }
}
