package org.pgfence.producer.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.events.MasterPromoted;
import org.pgfence.producer.Events;

class SpoolTest {
    @TempDir
    Path dir;

    @Test
    void writeCreatesOneNamedFileAndNoTempFile() throws IOException {
        Spool spool = new Spool(dir.resolve("spool"));
        MasterPromoted e = Events.promoted(Instant.parse("2026-11-25T20:07:15.149Z"), 2);
        Path file = spool.write(e);
        assertThat(file.getFileName().toString()).isEqualTo("1795637235149-" + e.eventId() + ".json");
        try (var files = Files.list(spool.dir())) {
            assertThat(files).containsExactly(file);
        }
        assertThat(spool.read(file)).contains(e);
    }

    @Test
    void pendingListsOldestFirstAndIgnoresOtherFiles() throws IOException {
        Spool spool = new Spool(dir);
        MasterPromoted late = Events.promoted(Instant.ofEpochMilli(10_000), 3);
        MasterPromoted early = Events.promoted(Instant.ofEpochMilli(9_999), 2);
        spool.write(late);
        spool.write(early);
        Files.writeString(dir.resolve("notes.txt"), "x");
        Files.writeString(dir.resolve(".1-x.json.tmp"), "half");
        Files.writeString(dir.resolve("5-00000000-0000-0000-0000-000000000000.json.bad"), "old");
        assertThat(spool.pending()).extracting(p -> spool.read(p).orElseThrow().epoch().timeline())
                .containsExactly(2, 3);
        assertThat(spool.hasPending()).isTrue();
    }

    @Test
    void missingDirectoryIsAnEmptySpool() throws IOException {
        Spool spool = new Spool(dir.resolve("absent"));
        assertThat(spool.hasPending()).isFalse();
        assertThat(spool.pending()).isEmpty();
    }

    @Test
    void removeDeletesAndToleratesAGoneFile() throws IOException {
        Spool spool = new Spool(dir);
        Path file = spool.write(Events.promoted(Instant.now(), 2));
        spool.remove(file);
        spool.remove(file);
        assertThat(spool.hasPending()).isFalse();
        assertThat(spool.read(file)).isEmpty();
    }

    @Test
    void corruptFileIsReportedAndMovedAsideNotDeleted() throws IOException {
        Spool spool = new Spool(dir);
        Path file = dir.resolve("1-5f0c2a9e-6d1b-4c52-9a51-0d6f7b1e2c3a.json");
        Files.writeString(file, "{\"type\":\"master-promoted\"");
        assertThatThrownBy(() -> spool.read(file)).isInstanceOf(CorruptSpoolFileException.class)
                .hasMessageContaining(file.toString());
        Path bad = spool.moveAside(file);
        assertThat(bad.getFileName().toString()).isEqualTo(file.getFileName() + ".bad");
        assertThat(bad).hasContent("{\"type\":\"master-promoted\"");
        assertThat(spool.pending()).isEmpty();
    }
}
