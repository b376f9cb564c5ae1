package org.pgfence.lab.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabOptions;

/**
 * A bounded run of the randomized fault campaign in the suite, on a lab with its own broker (the campaign stops
 * and starts it). The seed is fixed so CI replays one schedule; {@code PGFENCE_TORTURE_SEED} draws another, and the
 * long runs with fresh seeds are recorded in docs/fault-campaign.md.
 */
@ExtendWith(LabExtension.class)
@LabOptions(ownBroker = true)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class TortureIT {
    static final long SEED = 20261202L;
    static final int STEPS = 10; // the same schedule's first 10 steps: the suite's 20 minutes (longer runs: docs)

    @Test
    void aSeededScheduleOfFaultsBreaksNoFencingInvariant(Lab lab) throws Exception {
        long seed = Long.parseLong(System.getenv().getOrDefault("PGFENCE_TORTURE_SEED", Long.toString(SEED)));
        long start = System.nanoTime();
        Campaign.Result r = new Campaign(lab, seed, STEPS, System.out, Clock.systemUTC()).run();
        System.out.println(TortureCommand.report(r, Duration.ofNanos(System.nanoTime() - start)));
        if (!r.passed()) {
            lab.keepLogs(java.nio.file.Path.of("target", "torture-it-logs"));
        }
        assertThat(r.violations()).as("violations of seed " + seed).isEmpty();
        assertThat(r.applied().values().stream().mapToInt(Integer::intValue).sum()).as("faults applied")
                .isGreaterThanOrEqualTo(STEPS / 2);
    }
}
