package org.pgfence.process;

import java.time.Duration;

/**
 * A long-running process (as the agent is) one of whose background threads dies of a class that failed to initialise:
 * {@link FatalErrorsTest} runs it in a JVM of its own and expects it to exit. The main thread only waits, as the
 * agent's loop does between events.
 */
public final class FatalErrorProbe {
    /** Its static initialiser fails, as Jackson's StdDateFormat's did on the JDK's locale-cache race (JDK-8289220). */
    static final class Poisoned {
        static final Object VALUE = fail();

        private static Object fail() {
            throw new NullPointerException("Cannot invoke \"sun.util.locale.BaseLocale.getVariant()\" (probe)");
        }
    }

    public static void main(String[] args) throws InterruptedException {
        FatalErrors.exitOnError("probe");
        Threads.start("probe-warmup", () -> System.out.println(Poisoned.VALUE));
        Thread.sleep(Duration.ofSeconds(60).toMillis());
        System.out.println("still running after 60 s");
    }
}
