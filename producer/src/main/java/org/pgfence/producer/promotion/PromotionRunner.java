package org.pgfence.producer.promotion;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the promotion command (argv, no shell) with its output passed through, and returns its exit code, or
 * {@value #NOT_STARTED} if it could not be started. It is never killed: once started, PostgreSQL may already have
 * been told to promote, and a killed {@code repmgr standby promote} leaves a writable node whose repmgr metadata
 * still says standby. A promotion still running after {@code warnAfter} is logged at ERROR, and waited for.
 */
public final class PromotionRunner {
    public static final int NOT_STARTED = 127;
    private static final Logger LOG = LoggerFactory.getLogger(PromotionRunner.class);

    public int run(List<String> argv, Duration warnAfter) {
        Process process;
        try {
            process = new ProcessBuilder(argv).inheritIO().start();
        } catch (IOException e) {
            LOG.error("Cannot start the promotion command {}: {}", argv, e.getMessage());
            return NOT_STARTED;
        }
        boolean interrupted = false;
        boolean warned = false;
        while (true) {
            try {
                if (warned) {
                    return process.waitFor();
                }
                if (process.waitFor(warnAfter.toMillis(), TimeUnit.MILLISECONDS)) {
                    return process.exitValue();
                }
                LOG.error("The promotion command {} is still running after {} ms; waiting for it (a promotion that"
                        + " may have started is never killed)", argv, warnAfter.toMillis());
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
