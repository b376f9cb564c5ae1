package org.pgfence.producer.promotion;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the promotion command (argv, no shell) with its output passed through, and returns its exit code, or
 * {@value #NOT_STARTED} if it could not be started. It is never killed: once started, PostgreSQL may already have
 * been told to promote, and a killed {@code repmgr standby promote} leaves a writable node whose repmgr metadata
 * still says standby. A promotion still running {@code warnAfter} after its start is logged at ERROR, and waited for.
 *
 * <p>{@link #start} and {@link #await} apart let {@code promote} start the promotion before anything else of its own
 * (its logging included: this class initialises no logger until it has something to say).
 */
public final class PromotionRunner {
    public static final int NOT_STARTED = 127;

    /** A started promotion: its process (null if it could not be started), when it started and when it ended. */
    public static final class Started {
        private final List<String> argv;
        private final Process process;
        private final long startedAtNanos;
        private final CompletableFuture<Long> endedAtNanos;

        Started(List<String> argv, Process process, long startedAtNanos) {
            this.argv = argv;
            this.process = process;
            this.startedAtNanos = startedAtNanos;
            this.endedAtNanos = process == null ? CompletableFuture.completedFuture(null)
                    : process.onExit().thenApply(p -> System.nanoTime());
        }

        CompletableFuture<Long> ended() {
            return endedAtNanos;
        }

        /**
         * When the command returned, read on {@code clock}: promote may have been busy (a spool flush waiting out a
         * Kafka that is down) when it did. Call it after {@link PromotionRunner#await}.
         */
        public Instant returnedAt(Clock clock) {
            Long ended = endedAtNanos.getNow(null);
            Instant now = clock.instant();
            return ended == null ? now : now.minusNanos(Math.max(0, System.nanoTime() - ended));
        }
    }

    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(PromotionRunner.class);
    }

    public int run(List<String> argv, Duration warnAfter) {
        return await(start(argv), warnAfter);
    }

    /** Starts the command and returns at once; one that cannot start is logged, and awaiting it gives 127. */
    public Started start(List<String> argv) {
        long now = System.nanoTime();
        try {
            return new Started(argv, new ProcessBuilder(argv).inheritIO().start(), now);
        } catch (IOException e) {
            Log.LOG.error("Cannot start the promotion command {}: {}", argv, e.getMessage());
            return new Started(argv, null, now);
        }
    }

    /** Waits for a started promotion, however long it takes, and returns its exit code. */
    public int await(Started started, Duration warnAfter) {
        Process process = started.process;
        if (process == null) {
            return NOT_STARTED;
        }
        boolean interrupted = false;
        boolean warned = false;
        while (true) {
            try {
                if (warned) {
                    return process.waitFor();
                }
                long left = warnAfter.toNanos() - (System.nanoTime() - started.startedAtNanos);
                if (process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    return process.exitValue();
                }
                Log.LOG.error("The promotion command {} is still running after {} ms; waiting for it (a promotion that"
                        + " may have started is never killed)", started.argv, warnAfter.toMillis());
                warned = true;
            } catch (InterruptedException e) {
                interrupted = true; // repmgrd waits for our exit code: keep waiting, restore the flag after
                warned = true;
            } finally {
                if (interrupted && !process.isAlive()) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
