package org.pgfence.producer;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.pgfence.events.Trigger;
import org.pgfence.process.ConfigException;
import org.pgfence.producer.promotion.PromotionRunner;
import org.pgfence.runtime.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pgfence promote}: repmgr's promote_command. Flushes the spool, runs the promotion, and on
 * success announces it. Exits with the promotion's own code: a failed promotion publishes nothing,
 * and nothing after a successful one (database or Kafka trouble) can make it look failed. Nothing before it can
 * prevent it either: a config that does not load, or a runtime that cannot be built, is logged, and the promotion
 * runs all the same ({@link PromoterConfig#fallbackPromoteCommand}); it is never killed.
 */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"repmgr promote_command: promote this standby, then publish master-promoted.",
                "Exits with the promotion's exit code (127 if it could not start). A broken config or environment",
                "is logged and the promotion still runs; a slow promotion is waited for, never killed."})
public final class PromoteCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PromoteCommand.class);
    /** promote.timeout's default: when a promotion without a readable config is reported as slow. */
    private static final Duration FALLBACK_WARN_AFTER = Duration.ofSeconds(60);
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
    public Integer call() {
        PromoterConfig c;
        try {
            c = PromoterConfig.load(config, env);
        } catch (ConfigException e) {
            List<String> argv = PromoterConfig.fallbackPromoteCommand(config, env);
            LOG.error("promote: {}; running the promotion anyway as {}, and announcing nothing (the agents' timer "
                    + "reconcile still converges; fix the file, then run pgfence notify)", e.getMessage(), argv);
            return runner.run(argv, FALLBACK_WARN_AFTER);
        }
        ProducerRuntime rt;
        try {
            rt = new ProducerRuntime(c, clock);
        } catch (RuntimeException e) {
            LOG.error("promote: cannot set up ({}); running the promotion anyway, announcing nothing", e.toString());
            return runner.run(c.promoteCommand(), c.promoteTimeout());
        }
        try (rt; PromotionPause pause = PromotionPause.start(c, clock)) {
            LOG.info("promote: effective config {}", c.masked());
            Deadline beforePromotion = rt.overall();
            prepare(rt, c, beforePromotion);
            pause.awaitPublished(beforePromotion);
            int rc = runner.run(c.promoteCommand(), c.promoteTimeout());
            if (rc != 0) {
                pause.release(); // every agent that paused resumes where it verifies a primary
                LOG.error("Promotion failed with exit code {}; nothing published", rc);
                return rc;
            }
            // the announcement's own budget starts now: a slow promotion must not leave it none
            announce(rt, clock.instant(), rt.overall(c.verifyTimeout())); // its timeline ends every agent's pause
            return 0;
        }
    }

    /** What is done before the promotion, within its own deadline; any failure is logged, never in the way. */
    private static void prepare(ProducerRuntime rt, PromoterConfig c, Deadline beforePromotion) {
        try {
            rt.publishing.flush(beforePromotion);
            PromoteWarmup.start();
            rt.localNode.connectEarly(rt.overall(c.promoteTimeout(), c.verifyTimeout()));
            if (c.publishPrepare()) {
                rt.publishing.prepare();
            }
        } catch (RuntimeException e) {
            LOG.error("promote: preparing failed ({}); the promotion runs all the same", e.toString());
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
