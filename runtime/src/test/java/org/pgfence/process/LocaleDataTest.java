package org.pgfence.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocaleDataTest {

    @Test
    void theLookupsComplete() {
        assertThat(LocaleData.prime()).isTrue();
    }

    /** The JDK's NPE (JDK-8289220) is transient outside a class initialiser: the lookup is made again. */
    @Test
    void aLookupThatHitsTheJdksRaceIsMadeAgain() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(LocaleData.prime(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new NullPointerException("Cannot invoke \"sun.util.locale.BaseLocale.getVariant()\"");
            }
        })).isTrue();
        assertThat(calls).hasValue(3);
    }

    @Test
    void itGivesUpAfterItsAttemptsAndSaysSo() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(LocaleData.prime(() -> {
            calls.incrementAndGet();
            throw new NullPointerException("always");
        })).isFalse();
        assertThat(calls).hasValue(LocaleData.ATTEMPTS);
    }
}
