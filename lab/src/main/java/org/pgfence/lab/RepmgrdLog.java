package org.pgfence.lab;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reading a repmgrd log file for what a failure message should quote. */
final class RepmgrdLog {
    /** How much of the file's end is read: repmgrd logs a few lines a second. */
    static final int TAIL_BYTES = 16 * 1024;

    private RepmgrdLog() {
    }

    /** The last line at level ERROR, WARNING or NOTICE, without its timestamp; empty if none or unreadable. */
    static Optional<String> lastWarningOrNotice(Path log) {
        if (!Files.isRegularFile(log)) {
            return Optional.empty();
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, f.length() - TAIL_BYTES);
            byte[] tail = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(tail);
            return lastWarningOrNotice(new String(tail, StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<String> lastWarningOrNotice(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            for (String level : List.of("[ERROR] ", "[WARNING] ", "[NOTICE] ")) {
                int at = line.indexOf(level);
                if (at >= 0) {
                    return Optional.of(line.substring(at).strip());
                }
            }
        }
        return Optional.empty();
    }
}
