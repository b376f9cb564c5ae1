package org.pgfence.producer.promotion;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.pgfence.producer.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the promotion command (argv, no shell) with its output passed through, under a deadline.
 * Returns its exit code; {@value #TIMED_OUT} if it outlived the deadline (it and its children are
 * killed), {@value #NOT_STARTED} if it could not be started.
 */
public final class PromotionRunner {
    public static final int TIMED_OUT = 124;
    public static final int NOT_STARTED = 127;
    private static final Logger LOG = LoggerFactory.getLogger(PromotionRunner.class);
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    public int run(List<String> argv, Deadline deadline) {
        Process process;
        try {
            process = new ProcessBuilder(argv).inheritIO().start();
        } catch (IOException e) {
            LOG.error("Cannot start the promotion command {}: {}", argv, e.getMessage());
            return NOT_STARTED;
        }
        try {
            if (process.waitFor(deadline.remainingMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            LOG.error("The promotion command {} did not finish in time; killing it", argv);
            kill(process);
            return TIMED_OUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
            return TIMED_OUT;
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
