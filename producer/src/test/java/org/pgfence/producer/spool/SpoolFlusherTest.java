package org.pgfence.producer.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.events.MasterPromoted;
import org.pgfence.producer.Events;
import org.pgfence.producer.RecordingPublisher;

class SpoolFlusherTest {
    @TempDir
    Path dir;

    @Test
    void flushSendsInOrderAndRemovesEachAckedFile() throws IOException {
        Spool spool = new Spool(dir);
        MasterPromoted a = Events.promoted(Instant.ofEpochMilli(1000), 2);
        MasterPromoted b = Events.promoted(Instant.ofEpochMilli(2000), 3);
        spool.write(b);
        spool.write(a);
        RecordingPublisher kafka = new RecordingPublisher(e -> false);
        FlushResult result = new SpoolFlusher(spool).flush(kafka);
        assertThat(kafka.acked).containsExactly(a, b);
        assertThat(result).isEqualTo(new FlushResult(2, 0, 0, null));
        assertThat(spool.pending()).isEmpty();
    }

    @Test
    void unackedEventStaysAndLaterOnesDoNotOvertakeIt() throws IOException {
        Spool spool = new Spool(dir);
        MasterPromoted a = Events.promoted(Instant.ofEpochMilli(1000), 2);
        MasterPromoted b = Events.promoted(Instant.ofEpochMilli(2000), 3);
        MasterPromoted c = Events.promoted(Instant.ofEpochMilli(3000), 4);
        spool.write(a);
        spool.write(b);
        spool.write(c);
        RecordingPublisher kafka = new RecordingPublisher(e -> e.equals(b));
        FlushResult result = new SpoolFlusher(spool).flush(kafka);
        assertThat(kafka.acked).containsExactly(a);
        assertThat(result.sent()).isEqualTo(1);
        assertThat(result.left()).isEqualTo(2);
        assertThat(result.problem()).contains("broker unreachable");
        assertThat(spool.pending()).hasSize(2);
    }

    @Test
    void corruptFileIsMovedAsideAndDoesNotBlockTheRest() throws IOException {
        Spool spool = new Spool(dir);
        Path corrupt = dir.resolve("500-5f0c2a9e-6d1b-4c52-9a51-0d6f7b1e2c3a.json");
        Files.writeString(corrupt, "not json");
        MasterPromoted a = Events.promoted(Instant.ofEpochMilli(1000), 2);
        spool.write(a);
        RecordingPublisher kafka = new RecordingPublisher(e -> false);
        FlushResult result = new SpoolFlusher(spool).flush(kafka);
        assertThat(kafka.acked).containsExactly(a);
        assertThat(result).isEqualTo(new FlushResult(1, 1, 0, null));
        assertThat(corrupt.resolveSibling(corrupt.getFileName() + ".bad")).hasContent("not json");
        assertThat(corrupt).doesNotExist();
    }

    @Test
    void reflushingAfterAnAckIsIdempotent() throws IOException {
        Spool spool = new Spool(dir);
        spool.write(Events.promoted(Instant.ofEpochMilli(1000), 2));
        RecordingPublisher kafka = new RecordingPublisher(e -> false);
        new SpoolFlusher(spool).flush(kafka);
        FlushResult again = new SpoolFlusher(spool).flush(kafka);
        assertThat(kafka.acked).hasSize(1);
        assertThat(again).isEqualTo(new FlushResult(0, 0, 0, null));
    }
}
