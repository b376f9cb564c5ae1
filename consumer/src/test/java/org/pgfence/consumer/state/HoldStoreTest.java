package org.pgfence.consumer.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.events.Epoch;
import org.pgfence.events.FencingStarted;
import org.pgfence.events.MaintenanceMode;
import org.pgfence.events.NodeRef;

/** The state-dir stores an agent reads back after a restart: a held fencing-started, an operator's pause. */
class HoldStoreTest {
    @TempDir
    Path dir;

    static FencingStarted intent(String cluster, Instant pauseUntil) {
        Instant at = Instant.parse("2026-12-03T14:00:00Z");
        return new FencingStarted(1, UUID.fromString("8d3e1f20-7a4b-4c6d-9e0f-1a2b3c4d5e6f"), cluster, at, "node2",
                FencingStarted.Intent.SWITCHOVER, new NodeRef(2, "node2", "127.0.0.12", 5432), new Epoch(1, "73"), pauseUntil);
    }

    @Test
    void aHoldSurvivesARestartCanBeShortenedAndIsGoneOnceReleased() throws IOException {
        HoldStore store = HoldStore.open(dir);
        store.record(intent("lab", Instant.parse("2026-12-03T14:01:00Z")));
        store.record(intent("other", Instant.parse("2026-12-03T14:01:00Z")));
        store.record(intent("lab", Instant.parse("2026-12-03T14:00:05Z"))); // its sender aborted

        HoldStore reopened = HoldStore.open(dir);
        assertThat(reopened.hold("lab")).hasValueSatisfying(h -> assertThat(h.pauseUntil())
                .isEqualTo(Instant.parse("2026-12-03T14:00:05Z")));
        assertThat(reopened.release("lab")).isTrue();
        assertThat(reopened.release("lab")).isFalse();
        assertThat(HoldStore.open(dir).hold("lab")).isEmpty();
        assertThat(HoldStore.open(dir).hold("other")).isPresent();
    }

    @Test
    void aCorruptLineKeepsTheAgentFromStartingNamingTheFileAndTheLine() throws IOException {
        Files.writeString(dir.resolve(HoldStore.FILE_NAME), "\n{\"type\":\"fencing-started\"}\n");
        assertThatThrownBy(() -> HoldStore.open(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(HoldStore.FILE_NAME + " line 2 is not a fencing-started record");
    }

    @Test
    void aResumeRemovesThePauseAndAnOlderRecordChangesNothing() throws IOException {
        MaintenanceStore store = MaintenanceStore.open(dir);
        Instant t = Instant.parse("2026-12-03T10:45:00Z");
        MaintenanceMode pause = new MaintenanceMode(1, UUID.randomUUID(), "lab", t, "dba1", "postgres@dba1", true, "kernel");
        assertThat(store.record(pause)).isTrue();
        assertThat(store.record(new MaintenanceMode(1, UUID.randomUUID(), "lab", t.minusSeconds(1), "dba1", "postgres@dba1",
                false, null))).as("an older resume").isFalse();
        assertThat(MaintenanceStore.open(dir).pause("lab")).hasValue(pause);
        assertThat(store.record(new MaintenanceMode(1, UUID.randomUUID(), "lab", t.plusSeconds(1), "dba1", "postgres@dba1",
                false, null))).isTrue();
        assertThat(MaintenanceStore.open(dir).pause("lab")).isEmpty();
    }
}
