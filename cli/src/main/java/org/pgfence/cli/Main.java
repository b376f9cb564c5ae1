package org.pgfence.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ExitCode;
import org.pgfence.process.LocaleData;
import org.slf4j.LoggerFactory;

/**
 * {@code pgfence}: runs one command, maps failures to {@link ExitCode}s. Nothing else. repmgr's exact command lines
 * ({@link FastPath}) run without picocli; everything else goes to {@link Cli}. This class names no picocli type: the
 * JVM checks a class-data-archived class's type constraints when it links it, and one picocli type here made every
 * promote load picocli from its jar (compiled for Java 5, it cannot be archived: ~18 ms, BENCHMARKS.md).
 */
public final class Main {
    private Main() {
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
        // Before any thread or class initialiser needs it (JDK-8289220). Not on the failover path above: it cost
        // promote 56 ms before its promotion (PromoteOverheadBench: 183 vs 127 ms), and a promote JVM lives seconds
        // in a 256 MB heap, not for months in the agent's tight one, where the race was found.
        LocaleData.prime();
        return Cli.run(args, env, out, err);
    }

    private static int runFast(Callable<Integer> command, String name, PrintWriter err) {
        try {
            return command.call();
        } catch (Exception e) {
            return failure(e, "pgfence " + name, err);
        }
    }

    /** A command's failure as an exit code: a bad config is one line naming it; anything else is logged in full. */
    static int failure(Exception e, String command, PrintWriter err) {
        if (e instanceof ConfigException config) {
            err.println("pgfence: " + config.getMessage());
            return ExitCode.CONFIG.code();
        }
        LoggerFactory.getLogger(Main.class).error("{} failed unexpectedly", command, e);
        err.println("pgfence: internal error: " + e);
        return ExitCode.INTERNAL.code();
    }
}
