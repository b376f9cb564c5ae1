package org.pgfence.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pgfence.cli.Cli;
import org.pgfence.cli.Main;
import org.pgfence.process.ExitCode;
import picocli.CommandLine;

/**
 * Every command of the whole CLI (the lab's plugin commands included) answers {@code --help}, because a usage
 * error tells the operator "Try 'pgfence <command> --help'". {@code pgfence lab --help} once answered "Unknown
 * option: '--help'", and every subcommand's {@code -V} printed nothing. Nothing is executed: picocli answers both
 * before it would call the command.
 */
class CommandHelpTest {
    /** Every command path below {@code pgfence}, e.g. ["lab", "up"]. */
    static Stream<List<String>> commands() {
        List<List<String>> paths = new ArrayList<>();
        collect(Cli.commandLine(Map.of()), List.of(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> into) {
        cli.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            into.add(p);
            collect(sub, p, into);
        });
    }

    @ParameterizedTest(name = "pgfence {0} --help")
    @MethodSource("commands")
    void everyCommandPrintsItsHelp(List<String> path) {
        Run run = run(path, "--help");
        assertThat(run.code).as(run.err).isEqualTo(ExitCode.OK.code());
        assertThat(run.out).startsWith("Usage: pgfence " + String.join(" ", path));
    }

    @ParameterizedTest(name = "pgfence {0} -V")
    @MethodSource("commands")
    void everyCommandPrintsTheVersionItOffers(List<String> path) {
        Run run = run(path, "-V");
        assertThat(run.code).as(run.err).isEqualTo(ExitCode.OK.code());
        assertThat(run.out).startsWith("pgfence " + org.pgfence.cli.Version.current() + System.lineSeparator());
    }

    @ParameterizedTest(name = "pgfence {0} --no-such-option")
    @MethodSource("commands")
    void aUsageErrorPointsToAHelpThatExists(List<String> path) {
        Run run = run(path, "--no-such-option");
        String hint = "Try 'pgfence " + String.join(" ", path) + " --help'.";
        assertThat(run.code).isEqualTo(ExitCode.USAGE.code());
        assertThat(run.err).startsWith("pgfence: ").contains(hint); // the first test shows that this help exists
    }

    @org.junit.jupiter.api.Test
    void theTreeHoldsTheLabsCommands() {
        assertThat(commands().map(p -> String.join(" ", p)))
                .contains("lab", "lab up", "lab status", "lab failover", "lab down", "demo", "bench", "spool flush");
    }

    private static Run run(List<String> path, String option) {
        List<String> args = new ArrayList<>(path);
        args.add(option);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(String[]::new), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int code, String out, String err) {
    }
}
