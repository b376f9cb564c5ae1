package org.pgfence.lab;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pgfence.process.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code pgfence lab up|status|failover|down}: the real local environment, from the command line. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "A real local cluster: 3 PostgreSQL 15 + repmgr nodes, pgbouncers, sshd, Kafka.",
        subcommands = {LabCommand.Up.class, LabCommand.Status.class, LabCommand.Failover.class, LabCommand.Down.class})
public final class LabCommand {
    final Map<String, String> env;

    public LabCommand(Map<String, String> env) {
        this.env = env;
    }

    LabSpec spec() {
        return LabSpec.defaults(env);
    }

    abstract static class Sub implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        LabCommand parent;
        @Spec
        CommandSpec commandSpec;

        PrintStream out() {
            return CommandOut.of(commandSpec);
        }

        @Override
        public Integer call() {
            try {
                return run();
            } catch (LabException e) {
                commandSpec.commandLine().getErr().println("pgfence lab: " + e.getMessage());
                return e.exitCode().code();
            }
        }

        abstract int run();
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Install what is missing (as root), then build and start the lab (cleaning up any old one).")
    static final class Up extends Sub {
        @Option(names = "--extra-pgbouncers", description = "pgbouncer hosts beyond one per node (default ${DEFAULT-VALUE})")
        int extra;

        @Override
        int run() {
            PrintStream out = out();
            Instant start = Clock.systemUTC().instant();
            out.println("pgfence lab up: " + parent.spec().dir());
            Lab lab = Lab.up(parent.spec().withExtraPgbouncers(extra), out); // stays up until 'lab down'
            out.printf("lab up in %.1f s%n", Duration.between(start, Clock.systemUTC().instant()).toMillis() / 1000.0);
            out.print(LabStatus.render(lab));
            return ExitCode.OK.code();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print each node's role and timeline, repmgrd, and each pgbouncer's databases.")
    static final class Status extends Sub {
        @Override
        int run() {
            out().print(LabStatus.render(Lab.attach(parent.spec())));
            return ExitCode.OK.code();
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "Wait until repmgrd watches the current primary everywhere, crash it, and wait until repmgrd "
                    + "has promoted exactly one other node.")
    static final class Failover extends Sub {
        @Option(names = "--timeout", description = "seconds to wait for the new primary (default ${DEFAULT-VALUE})")
        int timeoutSeconds = 15;

        // Not --timeout: after the previous failover a standby whose plain 'standby follow' was refused is stopped,
        // rewound and rejoined by the follow hook (Hooks), which measured 18 s alone and more on busy cores.
        @Option(names = "--settle", description = "seconds to wait until repmgrd watches the current primary everywhere"
                + " before crashing it; a standby being rewound onto it takes 15-30 s (default ${DEFAULT-VALUE})")
        int settleSeconds = 60;

        @Override
        int run() {
            Lab lab = Lab.attach(parent.spec());
            LabNode old = lab.currentPrimary().orElseThrow(() ->
                    new LabException(ExitCode.CHECK_FAILED, "no node answers as primary; nothing to fail over"));
            PrintStream out = out();
            // a primary lost while repmgrd is not watching it (just after a switchover or failover) stays lost
            lab.awaitRepmgrdWatching(old.id(), Duration.ofSeconds(settleSeconds));
            Instant start = Clock.systemUTC().instant();
            lab.stopNode(old.id());
            out.printf("crashed %s (pg_ctl stop -m immediate)%n", old.name());
            LabNode promoted = lab.awaitSinglePrimary(old.id(), Duration.ofSeconds(timeoutSeconds));
            out.printf("%s is the only primary %d ms after the crash (timeline %d)%n", promoted.name(),
                    Duration.between(start, Clock.systemUTC().instant()).toMillis(),
                    lab.probe(promoted.id()).map(NodeState::timeline).orElse(0));
            return ExitCode.OK.code();
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop exactly what 'up' started and remove the lab directory.")
    static final class Down extends Sub {
        @Override
        int run() {
            Lab.down(parent.spec());
            out().println("lab down: " + parent.spec().dir() + " removed");
            return ExitCode.OK.code();
        }
    }
}
