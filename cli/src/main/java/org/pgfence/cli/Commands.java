package org.pgfence.cli;

import java.util.List;
import java.util.Map;
import org.pgfence.audit.AuditCommand;

/** The production commands, one object each, built with the process environment. */
final class Commands {
    private Commands() {
    }

    static List<Object> production(Map<String, String> env) {
        return List.of(
                new org.pgfence.consumer.AgentCommand(env),
                new org.pgfence.consumer.RenderCommand(env),
                AuditCommand.command(env));
    }
}
