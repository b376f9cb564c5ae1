package org.pgfence.lab.fleet;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Connections the PostgreSQL nodes refused for want of a slot, as their own logs say from a starting point on:
 * {@code FATAL: sorry, too many clients already} (every slot taken) and {@code FATAL: remaining connection slots are
 * reserved for ...} (only superuser slots left, to a role that is not one), {@code FATAL: too many connections for
 * role "..."} (the role's CONNECTION LIMIT). Whoever asked, agents or not: the log
 * line names the role ({@code %u@%d}), not the application.
 */
final class RefusedConnections {
    static final List<String> MARKERS = List.of("too many clients already", "remaining connection slots are reserved",
            "too many connections for role");

    /** Per node: how many refusals, and the first one's line. */
    record Count(String node, long refused, String first) {
    }

    private final Map<String, Path> logs = new LinkedHashMap<>();
    private final Map<String, Long> offsets = new LinkedHashMap<>();

    /** Counts from now on, in each of {@code logs} (node name to its postgresql.log). */
    RefusedConnections(Map<String, Path> logs) {
        this.logs.putAll(logs);
        logs.forEach((node, log) -> offsets.put(node, size(log)));
    }

    List<Count> counts() {
        return logs.entrySet().stream().map(e -> count(e.getKey(), e.getValue(), offsets.get(e.getKey()))).toList();
    }

    long total() {
        return counts().stream().mapToLong(Count::refused).sum();
    }

    static Count count(String node, Path log, long from) {
        long refused = 0;
        String first = null;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(Math.min(from, f.length()));
            byte[] rest = new byte[(int) Math.min(Integer.MAX_VALUE - 8, f.length() - f.getFilePointer())];
            f.readFully(rest);
            for (String line : new String(rest, StandardCharsets.UTF_8).split("\n")) {
                if (MARKERS.stream().anyMatch(line::contains)) {
                    refused++;
                    first = first == null ? line.strip() : first;
                }
            }
        } catch (IOException e) {
            return new Count(node, -1, "cannot read " + log + ": " + e.getMessage());
        }
        return new Count(node, refused, first);
    }

    private static long size(Path log) {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }
}
