package org.pgfence.consumer.state;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.pgfence.events.FencingStarted;

/**
 * The pauses this agent holds for a {@code fencing-started} (DESIGN "Two-phase fencing"), persisted in the state dir: an
 * agent restarted during a hold knows the PAUSEd rw databases are its own, holds them until the promotion or
 * {@code pauseUntil}, and then resumes them, where a pause it did not know of would be left to the operator. One hold
 * per cluster, the latest intent.
 */
public final class HoldStore {
    public static final String FILE_NAME = "holds.jsonl";
    private final ClusterRecords<FencingStarted> holds;

    private HoldStore(ClusterRecords<FencingStarted> holds) {
        this.holds = holds;
    }

    /** Reads the store; an unreadable file is an IOException naming it (the agent does not start on a guess). */
    public static HoldStore open(Path stateDir) throws IOException {
        return new HoldStore(ClusterRecords.open(stateDir.resolve(FILE_NAME), FencingStarted.class, "fencing-started",
                FencingStarted::cluster));
    }

    /** The hold on {@code cluster}, expired or not, until {@link #release} ends it. */
    public Optional<FencingStarted> hold(String cluster) {
        return holds.get(cluster);
    }

    /** Records a hold (persisted before the PAUSE it covers is sent), or shortens one. */
    public void record(FencingStarted intent) throws IOException {
        holds.put(intent);
    }

    /** Ends the hold on {@code cluster} (its databases were resumed); returns whether there was one. */
    public boolean release(String cluster) throws IOException {
        return holds.remove(cluster);
    }

    public Path file() {
        return holds.file();
    }
}
