package org.pgfence.producer.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pgfence.events.EventJson;
import org.pgfence.events.InvalidEventException;
import org.pgfence.events.MasterPromoted;

/**
 * The local spool: events written to disk before they are published, and removed once Kafka acked them.
 *
 * <p>One file per event, {@code <occurredAt-millis>-<eventId>.json}, so a listing sorted by name is
 * the order the events happened in. Each file is written to a hidden temp file, fsync'd, atomically
 * renamed, and the directory fsync'd: a crash leaves either the whole event or nothing. A file that
 * cannot be read back is moved aside to {@code <name>.bad}, never deleted.
 */
public final class Spool {
    private static final Pattern NAME = Pattern.compile("(\\d{1,19})-([0-9a-fA-F-]{36})\\.json");
    private final Path dir;

    public Spool(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Writes {@code event} durably; returns its file. */
    public Path write(MasterPromoted event) throws IOException {
        Files.createDirectories(dir);
        String name = event.occurredAt().toEpochMilli() + "-" + event.eventId() + ".json";
        Path target = dir.resolve(name);
        Path temp = dir.resolve("." + name + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(EventJson.toBytes(event));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDir();
        return target;
    }

    /** True if at least one event waits; cheap, touches no Kafka. */
    public boolean hasPending() throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : files) {
                if (NAME.matcher(p.getFileName().toString()).matches()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The waiting events' files, oldest first (by occurredAt millis, then name). */
    public List<Path> pending() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : files) {
                if (NAME.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparingLong(Spool::millis).thenComparing(p -> p.getFileName().toString()));
        return out;
    }

    /**
     * Reads a spooled event; empty if the file is gone (another process flushed it).
     *
     * @throws CorruptSpoolFileException if the file exists but holds no valid event
     */
    public Optional<MasterPromoted> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventJson.fromBytes(bytes, MasterPromoted.class));
        } catch (InvalidEventException e) {
            throw new CorruptSpoolFileException(file, e.getMessage());
        }
    }

    /** Removes a file whose event the broker acked; a file already gone is fine. */
    public void remove(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            syncDir();
        }
    }

    /** Moves a corrupt file aside to {@code <name>.bad} (kept for a human); returns the new path. */
    public Path moveAside(Path file) throws IOException {
        Path bad = file.resolveSibling(file.getFileName() + ".bad");
        Files.move(file, bad, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDir();
        return bad;
    }

    private void syncDir() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static long millis(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches()) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
