package org.pgfence.lab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailoverDrillTest {
    private static final Instant PUBLISHED = Instant.parse("2026-11-26T00:58:14.700Z");

    @Test
    void acksAreTimedFromThePublication() {
        assertThat(FailoverDrill.relative(PUBLISHED, PUBLISHED.plusMillis(236))).isEqualTo("236 ms after publication");
        assertThat(FailoverDrill.relative(PUBLISHED, PUBLISHED)).isEqualTo("0 ms after publication");
        assertThat(FailoverDrill.column(PUBLISHED, PUBLISHED.plusMillis(15))).isEqualTo("15 ms");
    }

    @Test
    void anAgentThatVerifiedTheNewPrimaryOnItsOwnComesBeforeThePublication() {
        assertThat(FailoverDrill.relative(PUBLISHED, PUBLISHED.minusMillis(1178)))
                .isEqualTo("1178 ms before publication, on its own re-check");
        assertThat(FailoverDrill.column(PUBLISHED, PUBLISHED.minusMillis(243))).isEqualTo("243 ms before");
    }
}
