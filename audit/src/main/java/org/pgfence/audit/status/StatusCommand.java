package org.pgfence.audit.status;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pgfence.audit.config.AuditConfig;
import org.pgfence.audit.store.AuditQueries;
import org.pgfence.audit.store.StoreConnector;
import org.pgfence.audit.store.StoreException;
import org.pgfence.audit.store.StoreSession;
import org.pgfence.audit.tracking.CompletionTracker;
import org.pgfence.events.EventJson;
import org.pgfence.process.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgfence audit status}: prints promotions and their hosts; exits 0 only when the latest of each cluster is complete. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show promotions recorded by the auditor; exit 0 when the latest promotion of each cluster is complete.",
        footer = {"", "Exit codes: 0 complete, 1 a latest promotion is incomplete, 2 usage, 3 config,"
                + " 4 audit store unreachable."})
public final class StatusCommand implements Callable<Integer> {
    private final Map<String, String> env;
    private final Clock clock;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The auditor's YAML config.")
    Path config;

    @Option(names = "--cluster", paramLabel = "C", description = "Only this cluster.")
    String cluster;

    @Option(names = "--last", paramLabel = "N", defaultValue = "10", description = "Show the last N promotions (default ${DEFAULT-VALUE}).")
    int last;

    @Option(names = "--json", description = "Print a stable JSON document instead of text.")
    boolean json;

    public StatusCommand(Map<String, String> env, Clock clock) {
        this.env = env;
        this.clock = clock;
    }

    public StatusCommand(Map<String, String> env) {
        this(env, Clock.systemUTC());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (last < 1 || last > 10_000) {
            err.println("pgfence: --last must be between 1 and 10000, was " + last);
            return ExitCode.USAGE.code();
        }
        AuditConfig cfg = AuditConfig.load(config, env);
        StatusReport report;
        try (StoreSession session = new StoreSession(StoreConnector.defaults(cfg.store()))) {
            report = new StatusQuery(new AuditQueries(session), new CompletionTracker(cfg.deadline(), cfg.heartbeatTtl()), clock)
                    .report(cluster, last);
        } catch (StoreException e) {
            err.println("pgfence: audit store unusable: " + e.getMessage());
            return ExitCode.UNAVAILABLE.code();
        }
        StatusDocument doc = StatusDocument.of(report);
        if (json) {
            out.println(EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        } else {
            out.print(StatusText.render(doc));
        }
        out.flush();
        return report.exitCode().code();
    }
}
