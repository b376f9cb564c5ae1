package org.pgfence.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.ServiceLoader;
import org.pgfence.process.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pgfence} command line (picocli): every command line but repmgr's exact ones ({@link FastPath}). */
@Command(name = "pgfence", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Fences a failed PostgreSQL primary behind pgbouncer, event-driven over Kafka.",
        footer = {"", "Exit codes: 0 ok, 1 check failed, 2 usage, 3 config, 4 unavailable, 5 environment, 70 internal;",
                "pgfence promote exits with the promotion's own code."})
public final class Cli {
    private Cli() {
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine cli = commandLine(env, args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> Main.failure(e,
                commandLine.getCommandSpec().qualifiedName(), commandLine.getErr()));
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
        CommandLine cli = new CommandLine(new Cli());
        cli.addSubcommand(alone);
        return versioned(cli);
    }

    /** Every command: the production ones and those of the plugins on the class path (the lab's). */
    public static CommandLine commandLine(Map<String, String> env) {
        CommandLine cli = new CommandLine(new Cli());
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
        cli.getSubcommands().values().forEach(Cli::versioned);
        return cli;
    }
}
