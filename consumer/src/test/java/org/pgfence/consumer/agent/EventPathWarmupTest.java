package org.pgfence.consumer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pgfence.consumer.discovery.JdbcNodeProbe;
import org.pgfence.events.EventJson;
import org.pgfence.events.MasterPromoted;

class EventPathWarmupTest {

    @Test
    void everyStepCompletes() {
        assertThat(EventPathWarmup.run()).isTrue();
    }

    @Test
    void theSampleIsAFullEventThatRoundTrips() {
        MasterPromoted sample = EventPathWarmup.sample();
        assertThat(sample.formerPrimary()).isNotNull();
        assertThat(EventJson.fromBytes(EventJson.toBytes(sample), MasterPromoted.class)).isEqualTo(sample);
    }

    @Test
    void pgjdbcErrorReportingIsExercisedAsTheDemotedPrimaryFails() {
        assertThat(JdbcNodeProbe.warmUp()).startsWith("57P01 ").contains("terminating connection")
                .contains("; 08006 An I/O error occurred while sending to the backend.");
    }

    @Test
    void theThreadIsADaemonThatEnds() throws InterruptedException {
        Thread t = EventPathWarmup.start();
        assertThat(t.isDaemon()).isTrue();
        t.join(30_000);
        assertThat(t.isAlive()).isFalse();
    }
}
