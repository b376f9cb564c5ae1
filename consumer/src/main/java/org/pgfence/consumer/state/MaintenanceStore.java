package org.pgfence.consumer.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pgfence.events.EventJson;
import org.pgfence.events.MaintenanceMode;
import org.pgfence.pgbouncer.ini.AtomicFile;

/**
 * Which clusters an operator paused ({@code pgfence pause}), persisted in the state dir beside the epoch floor: an agent
 * restarted during maintenance, with Kafka down, still changes nothing. Only the pauses are kept; a resume removes its
 * cluster. Owned by the agent loop's thread.
 */
public final class MaintenanceStore {
    public static final String FILE_NAME = "maintenance.jsonl";
    private final Path file;
    private final Map<String, MaintenanceMode> paused = new TreeMap<>();

    private MaintenanceStore(Path file) {
        this.file = file;
    }

    /** Reads the store; an unreadable file is an IOException naming it (the agent does not start on a guess). */
    public static MaintenanceStore open(Path stateDir) throws IOException {
        MaintenanceStore store = new MaintenanceStore(stateDir.resolve(FILE_NAME));
        if (Files.exists(store.file)) {
            int n = 0;
            for (String line : Files.readAllLines(store.file)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    MaintenanceMode m = EventJson.fromBytes(line.getBytes(StandardCharsets.UTF_8), MaintenanceMode.class);
                    store.paused.put(m.cluster(), m);
                } catch (RuntimeException e) {
                    throw new IOException(store.file + " line " + n + " is not a maintenance-mode record: "
                            + e.getMessage(), e);
                }
            }
        }
        return store;
    }

    /** The pause in force for {@code cluster}, if any. */
    public Optional<MaintenanceMode> pause(String cluster) {
        return Optional.ofNullable(paused.get(cluster));
    }

    /**
     * Records a pause or a resume; returns whether it changed anything. A record older than the one in force is
     * ignored (Kafka may hand a pause and its resume over out of order after a rewind).
     */
    public boolean record(MaintenanceMode mode) throws IOException {
        MaintenanceMode current = paused.get(mode.cluster());
        if (current != null && current.occurredAt().isAfter(mode.occurredAt())) {
            return false;
        }
        if (mode.paused() ? mode.equals(current) : current == null) {
            return false;
        }
        if (mode.paused()) {
            paused.put(mode.cluster(), mode);
        } else {
            paused.remove(mode.cluster());
        }
        StringBuilder lines = new StringBuilder(); // one record per line, in the contract's own JSON form
        paused.values().forEach(m -> lines.append(EventJson.toJson(m)).append('\n'));
        AtomicFile.write(file, lines.toString(), false);
        return true;
    }

    public Path file() {
        return file;
    }
}
