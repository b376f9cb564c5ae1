package org.pgfence.producer;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.pgfence.events.Trigger;
import org.pgfence.producer.promotion.PromotionRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pgfence promote}: repmgr's promote_command. Flushes the spool, runs the promotion, and on
 * success announces it. Exits with the promotion's own code: a failed promotion publishes nothing,
 * and nothing after a successful one (database or Kafka trouble) can make it look failed.
 */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"repmgr promote_command: promote this standby, then publish master-promoted.",
                "Exits with the promotion's exit code (124 if it timed out, 127 if it could not start)."})
public final class PromoteCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PromoteCommand.class);
    private final Map<String, String> env;
    private final Clock clock;
    private final PromotionRunner runner = new PromotionRunner();

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "producer YAML config")
    Path config;

    public PromoteCommand(Map<String, String> env) {
        this(env, Clock.systemUTC());
    }

    public PromoteCommand(Map<String, String> env, Clock clock) {
        this.env = env;
        this.clock = clock;
    }

    /** The command with its one option already parsed (the CLI's fast path, which skips picocli). */
    public PromoteCommand(Map<String, String> env, Path config) {
        this(env, Clock.systemUTC());
        this.config = config;
    }

    @Override
    public Integer call() throws Exception {
        try (ProducerRuntime rt = new ProducerRuntime(ProducerConfig.load(config, env), clock)) {
            ProducerConfig c = rt.config;
            LOG.info("promote: effective config {}", c.masked());
            Deadline overall = rt.overall(c.promoteTimeout(), c.verifyTimeout());
            rt.publishing.flush(overall);
            Warmup.start();
            rt.localNode.connectEarly(overall);
            if (c.publishPrepare()) {
                rt.publishing.prepare();
            }
            int rc = runner.run(c.promoteCommand(), overall.slice(c.promoteTimeout()));
            if (rc != 0) {
                LOG.error("Promotion failed with exit code {}; nothing published", rc);
                return rc;
            }
            announce(rt, clock.instant(), overall);
            return 0;
        }
    }

    private static void announce(ProducerRuntime rt, Instant promotedAt, Deadline overall) {
        try {
            Announcer.Outcome outcome = rt.announcer.announce(
                    new Announcement(Trigger.REPMGRD_FAILOVER, null, promotedAt, OptionalInt.empty()), overall);
            LOG.info("Promotion succeeded; announcement {}", outcome);
        } catch (RuntimeException e) {
            LOG.error("Promotion succeeded but announcing it failed unexpectedly", e);
        }
    }
}
