package org.pgfence.lab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOverTenValuesMakesP95AndP99TheMaximum() {
        Percentiles p = Percentiles.of(List.of(90L, 10L, 80L, 20L, 70L, 30L, 60L, 40L, 50L, 100L));
        assertThat(p).isEqualTo(new Percentiles(10, 50, 100, 100, 100));
    }

    @Test
    void hundredValuesGiveTheClassicRanks() {
        Percentiles p = Percentiles.of(LongStream.rangeClosed(1, 100).boxed().toList());
        assertThat(p.p50()).isEqualTo(50);
        assertThat(p.p95()).isEqualTo(95);
        assertThat(p.p99()).isEqualTo(99);
        assertThat(p.max()).isEqualTo(100);
    }

    @Test
    void anEmptySampleIsMarkedMissing() {
        assertThat(Percentiles.of(List.of())).isEqualTo(new Percentiles(0, -1, -1, -1, -1));
        assertThat(Percentiles.of(List.of()).toString()).isEqualTo("-");
    }
}
