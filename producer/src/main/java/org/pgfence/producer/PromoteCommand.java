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
 * {@code pgfence promote}: repmgr's promote_command. Starts the promotion as soon as its config is read (DESIGN
 * rule 8; with {@code promote.pause}, once the intent is published or its deadline passed), flushes the spool while
 * it runs, and on success announces it. Exits with the promotion's own code: a failed promotion publishes nothing,
 * and nothing after a successful one (database or Kafka trouble) can make it look failed. Nothing before it can
 * prevent it either: a config that does not load, a runtime that cannot be built or any other error of pgfence's own
 * is logged, and the promotion runs all the same ({@link PromoterConfig#fallbackPromoteCommand}) or is waited for;
 * it is never killed.
 */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"repmgr promote_command: promote this standby, then publish master-promoted.",
                "Exits with the promotion's exit code (127 if it could not start). A broken config or environment",
                "is logged and the promotion still runs; a slow promotion is waited for, never killed."})
public final class PromoteCommand implements Callable<Integer> {
    /** Initialised on first use: promote starts the promotion before it starts its logging. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(PromoteCommand.class);
    }

    /** promote.timeout's default: when a promotion without a readable config is reported as slow. */
    private static final Duration FALLBACK_WARN_AFTER = Duration.ofSeconds(60);
    private final Map<String, String> env;
    private final Clock clock;
    private final PromotionRunner runner = new PromotionRunner();
    /** This run's promotion once started: whatever fails in pgfence's own code after that, its exit code stands. */
    private PromotionRunner.Started promotion;

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
            return promoteWithout(e);
        }
        // Nothing of pgfence's own comes first (its logging, its runtime, the spool's flush all happen while the
        // promotion runs), but the intent of promote.pause, which must reach the agents before the promotion does.
        if (c.promotePause().isZero()) {
            promotion = runner.start(c.promoteCommand());
        }
        try {
            return promoteAndAnnounce(c);
        } catch (RuntimeException | Error e) {
            // an Error too (a class that failed to initialise, out of memory): repmgrd must read the promotion's own
            // code, whatever pgfence's part did (DESIGN rule 8); the JVM exits right after
            Log.LOG.error("promote: failed unexpectedly ({}); the promotion runs all the same, announcing nothing",
                    e.toString(), e);
            if (promotion == null) {
                promotion = runner.start(c.promoteCommand());
            }
            return runner.await(promotion, c.promoteTimeout());
        }
    }

    private int promoteAndAnnounce(PromoterConfig c) {
        try (ProducerRuntime rt = new ProducerRuntime(c, clock);
             PromotionPause pause = PromotionPause.start(c, clock)) {
            Log.LOG.info("promote: effective config {}", c.masked());
            Deadline beforePromotion = rt.overall();
            prepare(rt, c, beforePromotion);
            if (promotion == null) {
                pause.awaitPublished(beforePromotion);
                promotion = runner.start(c.promoteCommand());
            }
            int rc = runner.await(promotion, c.promoteTimeout());
            if (rc != 0) {
                pause.release(); // every agent that paused resumes where it verifies a primary
                Log.LOG.error("Promotion failed with exit code {}; nothing published", rc);
                return rc;
            }
            // the announcement's own budget starts now: a slow promotion must not leave it none; its timeline ends
            // every agent's pause
            announce(rt, promotion.returnedAt(clock), rt.overall(c.verifyTimeout()));
            return 0;
        }
    }

    /** A config that does not load: the promotion it still names runs all the same, and nothing is announced. */
    private int promoteWithout(ConfigException e) {
        List<String> argv = PromoterConfig.fallbackPromoteCommand(config, env);
        Log.LOG.error("promote: {}; running the promotion anyway as {}, and announcing nothing (the agents' timer "
                + "reconcile still converges; fix the file, then run pgfence notify)", e.getMessage(), argv);
        return runner.run(argv, FALLBACK_WARN_AFTER);
    }

    /**
     * What is done while the promotion runs (before it, with promote.pause), the flush within its own deadline;
     * any failure is logged, never in the way. The warm-ups start first: a flush that waits out a Kafka that is
     * down must not leave them cold.
     */
    private static void prepare(ProducerRuntime rt, PromoterConfig c, Deadline beforePromotion) {
        try {
            PromoteWarmup.start(c, c.publishPrepare());
            rt.localNode.connectEarly(rt.overall(c.promoteTimeout(), c.verifyTimeout()));
            rt.publishing.flush(beforePromotion);
            if (c.publishPrepare()) {
                rt.publishing.prepare();
            }
        } catch (RuntimeException e) {
            Log.LOG.error("promote: preparing failed ({}); the promotion runs all the same", e.toString());
        }
    }

    private static void announce(ProducerRuntime rt, Instant promotedAt, Deadline overall) {
        try {
            Announcer.Outcome outcome = rt.announcer.announce(
                    new Announcement(Trigger.REPMGRD_FAILOVER, null, promotedAt, OptionalInt.empty()), overall);
            Log.LOG.info("Promotion succeeded; announcement {}", outcome);
        } catch (RuntimeException e) {
            Log.LOG.error("Promotion succeeded but announcing it failed unexpectedly", e);
        }
    }
}
