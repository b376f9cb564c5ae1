package org.pgfence.consumer.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.pgfence.events.EventJson;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.pgbouncer.ini.AtomicFile;

/**
 * One event per cluster, kept in a state-dir file as JSON lines in the contract's own form and rewritten atomically on
 * every change: what an agent must still know after a restart with Kafka down (an operator's pause, a held
 * fencing-started). Owned by the agent loop's thread.
 */
final class ClusterRecords<T extends PgfenceEvent> {
    private final Path file;
    private final Map<String, T> records = new TreeMap<>();
    private final Function<T, String> cluster;

    private ClusterRecords(Path file, Function<T, String> cluster) {
        this.file = file;
        this.cluster = cluster;
    }

    /** Reads {@code file}; a line that is not a {@code what} record is an IOException naming the file and the line. */
    static <T extends PgfenceEvent> ClusterRecords<T> open(Path file, Class<T> type, String what,
                                                          Function<T, String> cluster) throws IOException {
        ClusterRecords<T> store = new ClusterRecords<>(file, cluster);
        if (Files.exists(file)) {
            int n = 0;
            for (String line : Files.readAllLines(file)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    T record = EventJson.fromBytes(line.getBytes(StandardCharsets.UTF_8), type);
                    store.records.put(cluster.apply(record), record);
                } catch (RuntimeException e) {
                    throw new IOException(file + " line " + n + " is not a " + what + " record: " + e.getMessage(), e);
                }
            }
        }
        return store;
    }

    Optional<T> get(String clusterName) {
        return Optional.ofNullable(records.get(clusterName));
    }

    void put(T record) throws IOException {
        records.put(cluster.apply(record), record);
        persist();
    }

    /** Returns whether there was a record to remove. */
    boolean remove(String clusterName) throws IOException {
        if (records.remove(clusterName) == null) {
            return false;
        }
        persist();
        return true;
    }

    private void persist() throws IOException {
        StringBuilder lines = new StringBuilder();
        records.values().forEach(r -> lines.append(EventJson.toJson(r)).append('\n'));
        AtomicFile.write(file, lines.toString(), false);
    }

    Path file() {
        return file;
    }
}
