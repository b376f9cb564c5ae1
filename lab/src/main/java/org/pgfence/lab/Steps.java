package org.pgfence.lab;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Runs named setup steps, printing each with its duration so a slow or failing step is obvious. */
final class Steps {
    private final PrintStream progress;
    private final Clock clock = Clock.systemUTC();

    Steps(PrintStream progress) {
        this.progress = progress;
    }

    void run(String name, Runnable step) {
        call(name, () -> {
            step.run();
            return null;
        });
    }

    <T> T call(String name, Supplier<T> step) {
        Instant start = clock.instant();
        progress.printf("  %-16s ...", name);
        progress.flush();
        try {
            T result = step.get();
            progress.printf(" ok (%d ms)%n", Duration.between(start, clock.instant()).toMillis());
            return result;
        } catch (RuntimeException e) {
            progress.printf(" FAILED (%d ms)%n", Duration.between(start, clock.instant()).toMillis());
            throw e;
        }
    }
}
