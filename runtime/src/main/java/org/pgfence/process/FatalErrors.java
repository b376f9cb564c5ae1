package org.pgfence.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-running pgfence process (the agent, the auditor) ends when any of its threads dies of an {@link Error}. A
 * class whose static initialiser failed stays unusable for the JVM's life: found with `pgfence bench --hosts 30`,
 * where one agent's warm-up thread hit the JDK's locale-cache race (JDK-8289220) inside Jackson's StdDateFormat and
 * the agent then ran on, looking alive, unable to serialise a single ack or heartbeat. The same holds for an
 * OutOfMemoryError or a StackOverflowError left on a thread the process needs. Ending with {@link ExitCode#INTERNAL}
 * (70) has the service manager start a fresh JVM (the units say Restart=on-failure); the agent is crash-only by design
 * (its state and the ini are written durably before anything depends on them), so nothing is cleaned up on the way
 * out: {@link Runtime#halt} skips the shutdown hooks, which could wait on the very thread that died.
 * An exception that is not an Error keeps the JVM's default (its stack trace on stderr): the loops handle their own.
 */
public final class FatalErrors {
    private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);

    private FatalErrors() {
    }

    /** Installs the default uncaught-exception handler of this JVM; {@code process} names it in the log line. */
    public static void exitOnError(String process) {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (!(e instanceof Error)) {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace();
                return;
            }
            try {
                LOG.error("{}: thread {} died of {}; exiting with {} so that a fresh JVM is started (a class that failed"
                        + " to initialise, or a JVM out of memory, does not recover)", process, thread.getName(), e,
                        ExitCode.INTERNAL.code(), e);
            } catch (Throwable logging) { // logging itself broken: one line on stderr instead
                System.err.println("pgfence " + process + ": thread " + thread.getName() + " died of " + e
                        + "; exiting with " + ExitCode.INTERNAL.code());
            } finally {
                Runtime.getRuntime().halt(ExitCode.INTERNAL.code());
            }
        });
    }
}
