package org.pgfence.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ExitCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pgfence}: wires the commands, runs one, maps failures to {@link ExitCode}s. Nothing else. */
@Command(name = "pgfence", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Fences a failed PostgreSQL primary behind pgbouncer, event-driven over Kafka.",
        footer = {"", "Exit codes: 0 ok, 1 check failed, 2 usage, 3 config, 4 unavailable, 5 environment, 70 internal;",
                "pgfence promote exits with the promotion's own code."})
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    static {
        // pgjdbc logs through java.util.logging; its one warning ("Unsupported Server Version: 1.18.0/bouncer"
        // on every pgbouncer admin connection) is harmless noise on an operator's console.
        java.util.logging.Logger.getLogger("org.postgresql").setLevel(java.util.logging.Level.SEVERE);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        PrintWriter fastErr = new PrintWriter(err, true);
        Optional<Callable<Integer>> fast = FastPath.of(args, env, fastErr);
        if (fast.isPresent()) {
            return runFast(fast.get(), args[0], fastErr);
        }
        CommandLine cli = commandLine(env, args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> failure(e, commandLine));
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("pgfence: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help'.");
            return ExitCode.USAGE.code();
        });
        return cli.execute(args);
    }

    /**
     * The command line for {@code args}. A command in repmgrd's failover path ({@code promote}, {@code notify},
     * {@code spool}) is registered alone: building every other command's model (and looking for plugins across
     * the class path) would only delay the failover.
     */
    static CommandLine commandLine(Map<String, String> env, String[] args) {
        Object alone = args.length == 0 ? null : Commands.failoverPath(env, args[0]);
        if (alone == null) {
            return commandLine(env);
        }
        CommandLine cli = new CommandLine(new Main());
        cli.addSubcommand(alone);
        return versioned(cli);
    }

    /** Every command: the production ones and those of the plugins on the class path (the lab's). */
    public static CommandLine commandLine(Map<String, String> env) {
        CommandLine cli = new CommandLine(new Main());
        for (Object command : Commands.production(env)) {
            cli.addSubcommand(command);
        }
        for (CommandPlugin plugin : ServiceLoader.load(CommandPlugin.class)) {
            plugin.commands(env).forEach(cli::addSubcommand);
        }
        return versioned(cli);
    }

    /** Every command offers -V (picocli's standard options); each answers with pgfence's version, not nothing. */
    private static CommandLine versioned(CommandLine cli) {
        if (cli.getCommandSpec().versionProvider() == null) {
            cli.getCommandSpec().versionProvider(new Version());
        }
        cli.getSubcommands().values().forEach(Main::versioned);
        return cli;
    }

    private static int runFast(Callable<Integer> command, String name, PrintWriter err) {
        try {
            return command.call();
        } catch (Exception e) {
            return failure(e, "pgfence " + name, err);
        }
    }

    private static int failure(Exception e, CommandLine commandLine) {
        return failure(e, commandLine.getCommandSpec().qualifiedName(), commandLine.getErr());
    }

    private static int failure(Exception e, String command, PrintWriter err) {
        if (e instanceof ConfigException config) {
            err.println("pgfence: " + config.getMessage());
            return ExitCode.CONFIG.code();
        }
        LOG.error("{} failed unexpectedly", command, e);
        err.println("pgfence: internal error: " + e);
        return ExitCode.INTERNAL.code();
    }
}
