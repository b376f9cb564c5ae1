package org.pgfence.producer;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pgfence.process.ExitCode;
import org.pgfence.producer.spool.FlushResult;
import org.pgfence.runtime.Deadline;
import org.pgfence.runtime.http.Exposition;
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
            description = "producer YAML config") Path config,
              @Option(names = "--textfile", paramLabel = "FILE", description = {"Also write what is left in the spool"
                      + " to FILE in the Prometheus text format (node_exporter's textfile collector, e.g.",
                      "/var/lib/prometheus/node-exporter/pgfence_spool.prom), replaced atomically; written whatever the"
                      + " flush's outcome."}) Path textfile) throws Exception {
        try (ProducerRuntime rt = new ProducerRuntime(PromoterConfig.load(config, env), clock)) {
            FlushResult result = rt.publishing.flush(Deadline.after(clock, rt.config.publishDeadline()));
            LOG.info("Spool flush: {} sent, {} moved aside, {} left", result.sent(), result.movedAside(),
                    Math.max(result.left(), 0));
            if (textfile != null) {
                writeTextfile(textfile, rt.config.cluster(), rt.spool.pending().size());
            }
            return result.empty() ? ExitCode.OK.code() : ExitCode.UNAVAILABLE.code();
        }
    }

    /** The text {@code --textfile} writes: the spool's two families for {@code cluster}. */
    public static String textfile(String cluster, int pending, double nowSeconds) {
        StringBuilder out = new StringBuilder();
        Exposition.labelled(out, "pgfence_spool_events", "gauge",
                "Events spooled on this node and not yet published (pgfence spool flush).", "cluster",
                Map.of(cluster, pending));
        Exposition.labelled(out, "pgfence_spool_last_flush_timestamp_seconds", "gauge",
                "When pgfence spool flush last ran on this node.", "cluster", Map.of(cluster, Exposition.number(nowSeconds)));
        return out.toString();
    }

    /**
     * {@code pgfence_spool_events{cluster}} (events waiting on this node) and {@code
     * pgfence_spool_last_flush_timestamp_seconds{cluster}}, through a temporary file renamed over {@code file}, so the
     * collector never reads half a file. A file it cannot write is logged, not fatal: the flush itself went through.
     */
    private void writeTextfile(Path file, String cluster, int pending) {
        String text = textfile(cluster, pending, clock.millis() / 1000.0);
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            java.nio.file.Files.writeString(tmp, text);
            java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            LOG.warn("cannot write the spool metrics to {}: {}", file, e.toString());
        }
    }
}
