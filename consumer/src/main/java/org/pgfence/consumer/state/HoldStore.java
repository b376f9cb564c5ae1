package org.pgfence.consumer.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pgfence.events.EventJson;
import org.pgfence.events.FencingStarted;
import org.pgfence.pgbouncer.ini.AtomicFile;

/**
 * The pauses this agent holds for a {@code fencing-started} (DESIGN "Two-phase fencing"), persisted in the state dir: an
 * agent restarted during a hold knows the PAUSEd rw databases are its own, holds them until the promotion or
 * {@code pauseUntil}, and then resumes them, where a pause it did not know of would be left to the operator. One hold
 * per cluster, the latest intent. Owned by the agent loop's thread.
 */
public final class HoldStore {
    public static final String FILE_NAME = "holds.jsonl";
    private final Path file;
    private final Map<String, FencingStarted> holds = new TreeMap<>();

    private HoldStore(Path file) {
        this.file = file;
    }

    /** Reads the store; an unreadable file is an IOException naming it (the agent does not start on a guess). */
    public static HoldStore open(Path stateDir) throws IOException {
        HoldStore store = new HoldStore(stateDir.resolve(FILE_NAME));
        if (Files.exists(store.file)) {
            int n = 0;
            for (String line : Files.readAllLines(store.file)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    FencingStarted f = EventJson.fromBytes(line.getBytes(StandardCharsets.UTF_8), FencingStarted.class);
                    store.holds.put(f.cluster(), f);
                } catch (RuntimeException e) {
                    throw new IOException(store.file + " line " + n + " is not a fencing-started record: "
                            + e.getMessage(), e);
                }
            }
        }
        return store;
    }

    /** The hold on {@code cluster}, expired or not, until {@link #release} ends it. */
    public Optional<FencingStarted> hold(String cluster) {
        return Optional.ofNullable(holds.get(cluster));
    }

    /** Records a hold (persisted before the PAUSE it covers is sent). */
    public void record(FencingStarted intent) throws IOException {
        holds.put(intent.cluster(), intent);
        persist();
    }

    /** Ends the hold on {@code cluster} (its databases were resumed); returns whether there was one. */
    public boolean release(String cluster) throws IOException {
        if (holds.remove(cluster) == null) {
            return false;
        }
        persist();
        return true;
    }

    private void persist() throws IOException {
        StringBuilder lines = new StringBuilder(); // one record per line, in the contract's own JSON form
        holds.values().forEach(f -> lines.append(EventJson.toJson(f)).append('\n'));
        AtomicFile.write(file, lines.toString(), false);
    }

    public Path file() {
        return file;
    }
}
