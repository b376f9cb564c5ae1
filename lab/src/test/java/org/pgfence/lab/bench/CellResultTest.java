package org.pgfence.lab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgfence.events.AckStatus;

class CellResultTest {
    private static final Instant T = Instant.parse("2026-11-25T21:00:00Z");

    private static PromotionSample sample(int index, boolean verified, long... fromPublish) {
        List<PromotionSample.HostAck> acks = new java.util.ArrayList<>();
        for (int i = 0; i < fromPublish.length; i++) {
            acks.add(new PromotionSample.HostAck("h" + i, AckStatus.APPLIED, fromPublish[i], fromPublish[i] + 5, 2,
                    fromPublish[i] - 2, 10, 5));
        }
        return new PromotionSample(index, "node2", index + 1, T, T, 7000, acks, 3, verified,
                new CpuSampler.Usage(100L * index, 3, 50.0 + index));
    }

    private static CellResult cell(List<PromotionSample> samples, List<ClassicRecipe.Run> classic) {
        return new CellResult(3, samples, List.of(), null, null, classic, null);
    }

    @Test
    void aPromotionsLatencyIsItsSlowestHost() {
        assertThat(sample(1, true, 40, 90, 60).fencingMillis()).isEqualTo(90);
    }

    @Test
    void promotionsMissingAnAckOrTheVerificationAreLeftOutOfTheLatency() {
        CellResult c = cell(List.of(sample(1, true, 40, 50, 60), sample(2, true, 10, 20), sample(3, false, 1, 2, 3)),
                List.of());
        assertThat(c.complete()).extracting(PromotionSample::index).containsExactly(1);
        assertThat(c.fencing().count()).isEqualTo(1);
        assertThat(c.perAck().count()).isEqualTo(3);
    }

    @Test
    void speedUpIsTheMedianClassicRunOverTheMedianFencingLatency() {
        CellResult c = cell(List.of(sample(1, true, 100, 200, 50)),
                List.of(new ClassicRecipe.Run(4000, 0, ""), new ClassicRecipe.Run(5000, 0, ""), new ClassicRecipe.Run(1, 1, "failed")));
        assertThat(c.classicMillis().p50()).isEqualTo(4000);
        assertThat(c.speedup()).isEqualTo(20.0);
    }

    @Test
    void cpuWhileFencingCountsCompletePromotionsOnly() {
        CellResult c = cell(List.of(sample(1, true, 40, 50, 60), sample(2, true, 10, 20, 30), sample(3, false, 1, 2, 3)),
                List.of());
        assertThat(c.agentsCpu().count()).isEqualTo(2);
        assertThat(c.agentsCpu().max()).isEqualTo(200);
        assertThat(c.machineBusy().p50()).isEqualTo(51);
    }

    @Test
    void noSpeedUpWithoutAClassicRun() {
        assertThat(cell(List.of(sample(1, true, 100)), List.of()).speedup()).isEqualTo(-1);
    }
}
