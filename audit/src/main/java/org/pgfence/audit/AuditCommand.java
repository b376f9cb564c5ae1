package org.pgfence.audit;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pgfence.audit.config.AuditConfig;
import org.pgfence.audit.status.StatusCommand;
import org.pgfence.audit.store.StoreException;
import org.pgfence.process.ExitCode;
import org.pgfence.process.FatalErrors;
import org.pgfence.process.TermHook;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code pgfence audit}: runs the auditor until SIGTERM. {@code pgfence audit status} is its subcommand. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Record promotions and acks in PostgreSQL, say when fencing is complete, repair overdue hosts.",
        footer = {"", "Exit codes: 143 after SIGTERM and a clean stop, 2 usage, 3 config, 4 audit store unreachable,"
                + " 70 internal."})
public final class AuditCommand implements Callable<Integer> {
    /** How long SIGTERM waits for the auditor to close (its own steps are bounded at 5 s and 10 s). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    private final Map<String, String> env;
    private final Clock clock;

    @Spec
    CommandSpec spec;

    /** Not {@code required} in picocli's sense: that would demand it before {@code audit status} too. */
    @Option(names = "--config", paramLabel = "FILE", description = "The auditor's YAML config (required).")
    Path config;

    public AuditCommand(Map<String, String> env, Clock clock) {
        this.env = env;
        this.clock = clock;
    }

    /** {@code audit} with its {@code status} subcommand, ready to be added to the top-level command. */
    public static CommandLine command(Map<String, String> env) {
        return new CommandLine(new AuditCommand(env, Clock.systemUTC()))
                .addSubcommand(new StatusCommand(env, Clock.systemUTC()));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (config == null) {
            err.println("pgfence: missing required option: '--config=FILE'");
            err.println("Try 'pgfence audit --help'.");
            return ExitCode.USAGE.code();
        }
        AuditConfig cfg = AuditConfig.load(config, env);
        FatalErrors.exitOnError("audit"); // a thread dead of an Error (a class that failed to initialise): restart
        Auditor auditor = new Auditor(cfg, clock);
        try {
            auditor.start();
        } catch (StoreException e) {
            auditor.close();
            err.println("pgfence: audit store unusable: " + e.getMessage());
            return ExitCode.UNAVAILABLE.code();
        }
        try (TermHook term = TermHook.install("audit-shutdown", auditor::close, STOP_WAIT)) {
            while (!auditor.awaitConsumerStopped(Duration.ofSeconds(60))) {
                // runs until SIGTERM: the hook's close stops the consumer loop
            }
            if (!term.requested()) {
                auditor.close();
                err.println("pgfence: the audit consumer stopped unexpectedly (see the log)");
                return ExitCode.INTERNAL.code();
            }
        }
        return ExitCode.OK.code();
    }
}
