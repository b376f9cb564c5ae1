package org.pgfence.consumer.state;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.pgfence.events.Epoch;
import org.pgfence.pgbouncer.ini.AtomicFile;

/**
 * The epoch floor per cluster: the highest epoch this agent has <em>seen</em> (announced by an event, read from
 * the promotions topic at start, or applied). Nothing below it is ever routed. Persisted in
 * {@code <stateDir>/epochs.properties} ({@code <cluster>=<timeline>@<systemIdentifier>}), written atomically
 * with fsync before the ack that follows a raise. It never goes back, and an epoch of another system
 * identifier never replaces the stored one (a re-created cluster needs its line removed by the operator,
 * README "Accepting a re-created cluster"; rule 2 of DESIGN.md).
 *
 * <p>A file that is missing or corrupt is not read as "no floor": the store is then {@link #unknown()} until
 * {@link #rebuilt()} says the promotions topic was read; a corrupt file is kept aside, never overwritten.
 */
public final class EpochStore {
    public static final String FILE_NAME = "epochs.properties";
    private final Path file;
    private final Map<String, Epoch> epochs = new TreeMap<>();
    private String unknown;

    private EpochStore(Path file) {
        this.file = file;
    }

    /**
     * The agent's store, creating {@code stateDir} if needed. A missing file, or a corrupt one (moved aside to
     * {@code epochs.properties.corrupt}), leaves the store {@link #unknown()}; only an unusable directory throws.
     */
    public static EpochStore open(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        EpochStore store = new EpochStore(stateDir.resolve(FILE_NAME));
        try {
            if (!store.load()) {
                store.unknown = "no state file " + store.file + " (first start, or lost)";
            }
        } catch (IOException e) {
            Path aside = store.file.resolveSibling(FILE_NAME + ".corrupt");
            Files.move(store.file, aside, StandardCopyOption.REPLACE_EXISTING);
            store.epochs.clear();
            store.unknown = e.getMessage() + " (kept as " + aside + ")";
        }
        return store;
    }

    /** Loads the store without creating anything (for {@code pgfence render}); a corrupt file throws. */
    public static EpochStore peek(Path stateDir) throws IOException {
        EpochStore store = new EpochStore(stateDir.resolve(FILE_NAME));
        store.load();
        return store;
    }

    private boolean load() throws IOException {
        Optional<String> text = AtomicFile.read(file);
        if (text.isEmpty()) {
            return false;
        }
        Properties p = new Properties();
        p.load(new StringReader(text.get()));
        for (String cluster : p.stringPropertyNames()) {
            epochs.put(cluster, parse(file, cluster, p.getProperty(cluster)));
        }
        return true;
    }

    private static Epoch parse(Path file, String cluster, String value) throws IOException {
        int at = value.indexOf('@');
        try {
            return new Epoch(Integer.parseInt(value.substring(0, at).trim()), value.substring(at + 1).trim());
        } catch (RuntimeException e) {
            throw new IOException("corrupt epoch '" + value + "' for cluster " + cluster + " in " + file
                    + ": expected <timeline>@<systemIdentifier>");
        }
    }

    public synchronized Optional<Epoch> floor(String cluster) {
        return Optional.ofNullable(epochs.get(cluster));
    }

    /** Why the floor cannot be trusted yet (missing or corrupt file, topic not read), or empty when it can. */
    public synchronized Optional<String> unknown() {
        return Optional.ofNullable(unknown);
    }

    /** The promotions topic was read and every epoch in it raised: the floor is known again; persisted. */
    public synchronized void rebuilt() throws IOException {
        persist(epochs);
        unknown = null;
    }

    /**
     * Raises the floor to {@code epoch} if it is higher (or the first), persisting it with fsync; returns whether
     * it did. An epoch of another system identifier never replaces the stored one. The floor is raised in memory
     * even when the write fails (the IOException says so), so this process never routes below it.
     */
    public synchronized boolean raise(String cluster, Epoch epoch) throws IOException {
        Epoch current = epochs.get(cluster);
        if (current != null && (!current.systemIdentifier().equals(epoch.systemIdentifier())
                || current.timeline() >= epoch.timeline())) {
            return false;
        }
        epochs.put(cluster, epoch);
        persist(epochs);
        return true;
    }

    private void persist(Map<String, Epoch> all) throws IOException {
        StringBuilder text = new StringBuilder("# pgfence agent: epoch floor per cluster (highest epoch seen)\n");
        all.forEach((c, e) -> text.append(c).append('=').append(e.timeline()).append('@')
                .append(e.systemIdentifier()).append('\n'));
        AtomicFile.write(file, text.toString(), false);
    }

    public Path file() {
        return file;
    }
}
