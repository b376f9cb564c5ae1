package org.pgfence.lab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuSamplerTest {

    @Test
    void processTicksAreUtimePlusStimeEvenWithSpacesInTheCommandName() {
        String stat = "4242 (C1 Compiler Thr) S 1 4242 4242 0 -1 4194560 3000 0 0 0 1234 567 0 0 20 0 24 0 100 0 0";
        assertThat(Proc.processTicks(stat)).isEqualTo(1234 + 567);
        assertThat(Proc.processTicks("")).isZero();
    }

    @Test
    void machineBusyLeavesOutIdleAndIowait() {
        String stat = "cpu  100 10 50 800 40 5 5 0 0 0\ncpu0 50 5 25 400 20 2 3 0 0 0\n";
        assertThat(Proc.machineTicks(stat)).containsExactly(170, 1010, 10);
    }

    @Test
    void aWindowIsMeasuredBetweenSamplesAroundIt() throws Exception {
        long self = ProcessHandle.current().pid();
        try (CpuSampler sampler = new CpuSampler(List.of(self), Clock.systemUTC())) {
            Instant from = Instant.now();
            long x = spin200Millis();
            Instant to = Instant.now();
            Thread.sleep(CpuSampler.PERIOD.toMillis() * 3);
            CpuSampler.Usage used = sampler.usage(from, to).orElseThrow();
            assertThat(x).isPositive();
            assertThat(used.agentsMillis()).as("this JVM spun one core for 200 ms").isBetween(150L, 1000L);
            assertThat(used.machineBusyPercent()).isBetween(1.0, 100.0);
            assertThat(sampler.usage(to.plusSeconds(60), to.plusSeconds(61))).isEmpty();
        }
    }

    /** By process: this JVM, not an agent here, is the bench's; the rest is the machine's busy time less the groups. */
    @Test
    void byProcessTheSpinIsTheBenchJvmsAndTheGroupsAddUpToTheMachine() throws Exception {
        try (CpuSampler sampler = new CpuSampler(List.of(), Clock.systemUTC(), true)) {
            Instant from = Instant.now();
            long x = spin200Millis();
            Instant to = Instant.now();
            Thread.sleep(CpuSampler.PERIOD.toMillis() * 3);
            java.util.Map<String, Long> byGroup = sampler.usage(from, to).orElseThrow().byGroupMillis();
            assertThat(x).isPositive();
            assertThat(byGroup).containsKeys(ProcessGroups.AGENTS, ProcessGroups.BROKER, ProcessGroups.POSTGRES,
                    ProcessGroups.PGBOUNCER, ProcessGroups.BENCH, ProcessGroups.INTERRUPTS, ProcessGroups.REST,
                    ProcessGroups.MACHINE);
            assertThat(byGroup.get(ProcessGroups.BENCH)).as("this JVM spun one core for 200 ms").isBetween(150L, 1000L);
            assertThat(byGroup.get(ProcessGroups.AGENTS)).isZero();
            long groups = ProcessGroups.ORDER.stream().mapToLong(byGroup::get).sum();
            assertThat(groups + byGroup.get(ProcessGroups.INTERRUPTS) + byGroup.get(ProcessGroups.REST))
                    .isEqualTo(byGroup.get(ProcessGroups.MACHINE));
            assertThat(byGroup.get(ProcessGroups.MACHINE)).isGreaterThanOrEqualTo(byGroup.get(ProcessGroups.BENCH));
        }
    }

    /** 200 ms of this thread's own CPU, not of wall time: on a loaded machine 200 ms of wall time gave 80 ms. */
    private static long spin200Millis() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long spin = threads.getCurrentThreadCpuTime() + 200_000_000L;
        long x = 0;
        while (threads.getCurrentThreadCpuTime() < spin) {
            x += Long.numberOfTrailingZeros(System.nanoTime());
        }
        return x;
    }
}
