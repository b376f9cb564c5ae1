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
        return lastWarningOrNotice(tail(log));
    }

    /**
     * The last {@code n} lines at level ERROR, WARNING, NOTICE, DETAIL or HINT, with their timestamps: the sequence
     * of what repmgrd decided and why, for a failure message that must say why it did not act (one line says too
     * little).
     */
    static List<String> lastEvents(Path log, int n) {
        List<String> events = tail(log).stream().filter(l -> l.contains("[ERROR] ") || l.contains("[WARNING] ")
                || l.contains("[NOTICE] ") || l.contains("[DETAIL] ") || l.contains("[HINT] ")).toList();
        return events.subList(Math.max(0, events.size() - n), events.size());
    }

    /** The last {@code n} lines of any log file (a hook's or PostgreSQL's), for a failure message; empty if unreadable. */
    static List<String> lastLines(Path log, int n) {
        List<String> lines = tail(log);
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    private static List<String> tail(Path log) {
        if (!Files.isRegularFile(log)) {
            return List.of();
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, f.length() - TAIL_BYTES);
            byte[] tail = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
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
