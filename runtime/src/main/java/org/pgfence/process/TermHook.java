package org.pgfence.process;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a long-running command (the agent, the auditor) stops on SIGTERM: the JVM runs this hook, which asks the
 * command to stop and then waits, bounded, until the command's main path has ended (closed what it owns), so the
 * process never exits in the middle of an apply or a store write. The process then exits 143, the JVM's status for
 * SIGTERM (the systemd units declare {@code SuccessExitStatus=143}).
 * <pre>{@code try (TermHook term = TermHook.install("pgfence-agent-stop", agent::shutdown, STOP_WAIT)) { ... }}</pre>
 */
public final class TermHook implements AutoCloseable {
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicBoolean requested = new AtomicBoolean();
    private final Thread hook;

    private TermHook(String name, Runnable stop, Duration wait) {
        hook = new Thread(() -> {
            requested.set(true);
            stop.run();
            try {
                ended.await(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
    }

    /** Installs the hook: on SIGTERM, {@code stop} runs, then the JVM waits up to {@code wait} for {@link #close()}. */
    public static TermHook install(String name, Runnable stop, Duration wait) {
        TermHook t = new TermHook(name, stop, wait);
        Runtime.getRuntime().addShutdownHook(t.hook);
        return t;
    }

    /** Whether the stop came from the JVM's shutdown (SIGTERM), not from the command itself. */
    public boolean requested() {
        return requested.get();
    }

    /** The main path has ended: a running hook lets the JVM exit now; a hook that has not run is removed. */
    @Override
    public void close() {
        ended.countDown();
        if (!requested.get()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting: the hook runs, finds the main path ended, and returns at once
            }
        }
    }
}
