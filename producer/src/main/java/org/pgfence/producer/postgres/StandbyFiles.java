package org.pgfence.producer.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pgfence.events.Epoch;

/**
 * A standby's epoch as its data directory holds it, read from files with no connection (microseconds, where a JVM's
 * first JDBC connection takes ~0.3 s and repmgr's pg_promote() would win the race): the system identifier, the first
 * field of {@code global/pg_control} (a uint64 in the machine's byte order), and the highest timeline of the WAL
 * segments in {@code pg_wal} (the first 8 hex digits of a segment's name), which is what the standby followed even
 * when its WAL receiver is down because its primary is lost. Empty when {@code standby.signal} is gone: the node is
 * no standby (any more).
 */
public final class StandbyFiles {
    private static final Pattern SEGMENT = Pattern.compile("^([0-9A-F]{8})[0-9A-F]{16}(\\.partial)?$");

    private StandbyFiles() {
    }

    public static Optional<Epoch> heldEpoch(Path dataDirectory) throws IOException {
        if (!Files.exists(dataDirectory.resolve("standby.signal"))) {
            return Optional.empty();
        }
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(dataDirectory.resolve("global").resolve("pg_control"))) {
            if (in.readNBytes(head, 0, 8) != 8) {
                throw new IOException(dataDirectory + "/global/pg_control is shorter than 8 bytes");
            }
        }
        long system = ByteBuffer.wrap(head).order(ByteOrder.nativeOrder()).getLong();
        int timeline = 0;
        try (Stream<Path> wal = Files.list(dataDirectory.resolve("pg_wal"))) {
            for (Path p : (Iterable<Path>) wal::iterator) {
                Matcher m = SEGMENT.matcher(p.getFileName().toString());
                if (m.matches()) {
                    timeline = Math.max(timeline, Integer.parseInt(m.group(1), 16));
                }
            }
        }
        return timeline == 0 ? Optional.empty() : Optional.of(new Epoch(timeline, Long.toUnsignedString(system)));
    }
}
