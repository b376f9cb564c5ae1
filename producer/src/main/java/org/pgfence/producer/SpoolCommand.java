package org.pgfence.producer;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pgfence.process.ExitCode;
import org.pgfence.producer.spool.FlushResult;
import org.pgfence.runtime.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgfence spool flush}: publish every spooled event in order, removing each once acked. */
@Command(name = "spool", mixinStandardHelpOptions = true, description = "The local spool of unpublished events.")
public final class SpoolCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolCommand.class);
    private final Map<String, String> env;
    private final Clock clock;

    @Spec
    CommandSpec spec;

    public SpoolCommand(Map<String, String> env) {
        this(env, Clock.systemUTC());
    }

    public SpoolCommand(Map<String, String> env, Clock clock) {
        this.env = env;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("pgfence spool: missing subcommand (flush)");
        return ExitCode.USAGE.code();
    }

    @Command(name = "flush", mixinStandardHelpOptions = true,
            description = {"Publish every spooled event in order; each file is removed once the broker acked it.",
                    "Exit codes: 0 spool empty afterwards, 3 config, 4 Kafka unreachable (events stay spooled)."})
    int flush(@Option(names = "--config", required = true, paramLabel = "FILE",
            description = "producer YAML config") Path config) throws Exception {
        try (ProducerRuntime rt = new ProducerRuntime(PromoterConfig.load(config, env), clock)) {
            FlushResult result = rt.publishing.flush(Deadline.after(clock, rt.config.publishDeadline()));
            LOG.info("Spool flush: {} sent, {} moved aside, {} left", result.sent(), result.movedAside(),
                    Math.max(result.left(), 0));
            return result.empty() ? ExitCode.OK.code() : ExitCode.UNAVAILABLE.code();
        }
    }
}
