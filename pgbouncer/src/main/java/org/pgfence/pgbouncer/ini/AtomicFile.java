package org.pgfence.pgbouncer.ini;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replaces a file so that a reader sees either the old or the new content, and a crash leaves one of
 * them: temp file in the same directory, fsync, same owner and mode as the old file, the old file copied
 * to {@code <name>.prev}, rename over the old one, fsync of the directory. On any failure the old file
 * is untouched and the temp file removed.
 */
public final class AtomicFile {
    /** Mode of a file that did not exist before: the ini holds no secrets, pgbouncer must read it. */
    static final Set<PosixFilePermission> NEW_FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final AtomicLong TEMP_SEQUENCE = new AtomicLong();

    private AtomicFile() {
    }

    public static Path backupOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".prev");
    }

    /** The current content, or empty if the file does not exist. */
    public static Optional<String> read(Path target) throws IOException {
        return Files.exists(target) ? Optional.of(Files.readString(target, StandardCharsets.UTF_8)) : Optional.empty();
    }

    public static void write(Path target, String content, boolean keepBackup) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Optional<PosixFileAttributes> old = attributes(target);
        Temp created = Temp.create(dir, target.getFileName().toString());
        Path temp = created.path();
        try {
            try (FileChannel ch = created.channel()) {
                ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.setPosixFilePermissions(temp, old.map(PosixFileAttributes::permissions).orElse(NEW_FILE_MODE));
            if (old.isPresent()) {
                keepOwner(temp, old.get());
                if (keepBackup) {
                    Files.copy(target, backupOf(target), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory(dir);
    }

    /**
     * A new temp file next to the target. Not {@link Files#createTempFile}: its random name costs a SecureRandom
     * (SHA-256 DRBG) on the fencing path. The process id and a sequence make the name unique among live writers;
     * CREATE_NEW refuses a leftover of a crashed process with the same id, and the next number is tried.
     */
    private record Temp(Path path, FileChannel channel) {
        static Temp create(Path dir, String name) throws IOException {
            long pid = ProcessHandle.current().pid();
            for (int attempt = 1; ; attempt++) {
                Path path = dir.resolve("." + name + "." + pid + "." + TEMP_SEQUENCE.incrementAndGet() + ".tmp");
                try {
                    return new Temp(path, FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));
                } catch (FileAlreadyExistsException e) {
                    if (attempt == 100) {
                        throw e;
                    }
                }
            }
        }
    }

    private static Optional<PosixFileAttributes> attributes(Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "exists and is not a regular file");
        }
        return Optional.of(Files.readAttributes(target, PosixFileAttributes.class));
    }

    private static void keepOwner(Path temp, PosixFileAttributes old) throws IOException {
        PosixFileAttributes now = Files.readAttributes(temp, PosixFileAttributes.class);
        if (!now.owner().equals(old.owner())) {
            Files.setOwner(temp, old.owner());
        }
        if (!now.group().equals(old.group())) {
            Files.getFileAttributeView(temp, java.nio.file.attribute.PosixFileAttributeView.class)
                    .setGroup(old.group());
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
