package org.pgfence.producer.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.events.Epoch;

/** A standby's epoch from its data directory's files (the lab's TwoPhaseFencingIT reads a real one). */
class StandbyFilesTest {
    @TempDir
    Path data;

    private void control(long systemIdentifier) throws Exception {
        Files.createDirectories(data.resolve("global"));
        ByteBuffer b = ByteBuffer.allocate(296).order(ByteOrder.nativeOrder());
        b.putLong(systemIdentifier).putInt(1300);
        Files.write(data.resolve("global/pg_control"), b.array());
    }

    @Test
    void theHighestTimelineOfItsWalSegmentsAndTheSystemIdentifierOfItsPgControl() throws Exception {
        control(0x80000000_00000001L); // above Long.MAX_VALUE as PostgreSQL's uint64 prints it
        Files.createFile(data.resolve("standby.signal"));
        Files.createDirectories(data.resolve("pg_wal/archive_status"));
        for (String name : new String[] {"000000010000000000000003", "000000020000000000000005.partial",
                "00000003.history", "0000000A00000000000000XY", "archive_status"}) {
            if (!Files.exists(data.resolve("pg_wal").resolve(name))) {
                Files.createFile(data.resolve("pg_wal").resolve(name));
            }
        }
        assertThat(StandbyFiles.heldEpoch(data)).hasValue(new Epoch(2, "9223372036854775809"));
    }

    @Test
    void aNodeWithoutStandbySignalOrWithoutSegmentsHoldsNoStandbysEpoch() throws Exception {
        control(7L);
        Files.createDirectories(data.resolve("pg_wal"));
        Files.createFile(data.resolve("pg_wal/000000030000000000000001"));
        assertThat(StandbyFiles.heldEpoch(data)).as("promoted: no standby.signal").isEmpty();
        Files.createFile(data.resolve("standby.signal"));
        assertThat(StandbyFiles.heldEpoch(data)).hasValue(new Epoch(3, "7"));
        Files.delete(data.resolve("pg_wal/000000030000000000000001"));
        assertThat(StandbyFiles.heldEpoch(data)).as("no segment").isEmpty();
    }
}
