package org.pgfence.consumer.state;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.pgfence.events.MaintenanceMode;

/**
 * Which clusters an operator paused ({@code pgfence pause}), persisted in the state dir beside the epoch floor: an agent
 * restarted during maintenance, with Kafka down, still changes nothing. Only the pauses are kept; a resume removes its
 * cluster.
 */
public final class MaintenanceStore {
    public static final String FILE_NAME = "maintenance.jsonl";
    private final ClusterRecords<MaintenanceMode> paused;

    private MaintenanceStore(ClusterRecords<MaintenanceMode> paused) {
        this.paused = paused;
    }

    /** Reads the store; an unreadable file is an IOException naming it (the agent does not start on a guess). */
    public static MaintenanceStore open(Path stateDir) throws IOException {
        return new MaintenanceStore(ClusterRecords.open(stateDir.resolve(FILE_NAME), MaintenanceMode.class,
                "maintenance-mode", MaintenanceMode::cluster));
    }

    /** The pause in force for {@code cluster}, if any. */
    public Optional<MaintenanceMode> pause(String cluster) {
        return paused.get(cluster);
    }

    /**
     * Records a pause or a resume; returns whether it changed anything. A record older than the one in force is
     * ignored (Kafka may hand a pause and its resume over out of order after a rewind).
     */
    public boolean record(MaintenanceMode mode) throws IOException {
        MaintenanceMode current = paused.get(mode.cluster()).orElse(null);
        if (current != null && current.occurredAt().isAfter(mode.occurredAt())) {
            return false;
        }
        if (mode.paused() ? mode.equals(current) : current == null) {
            return false;
        }
        if (mode.paused()) {
            paused.put(mode);
        } else {
            paused.remove(mode.cluster());
        }
        return true;
    }

    public Path file() {
        return paused.file();
    }
}
