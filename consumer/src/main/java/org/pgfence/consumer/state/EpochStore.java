package org.pgfence.consumer.state;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.pgfence.consumer.ini.AtomicFile;
import org.pgfence.events.Epoch;

/**
 * The highest epoch this agent applied, per cluster, persisted in {@code <stateDir>/epochs.properties}
 * ({@code <cluster>=<timeline>@<systemIdentifier>}), written atomically. It never goes back: recording a
 * lower epoch is ignored. A cluster re-created from scratch (new system identifier) needs its line removed
 * by hand; until then every node of it is foreign and the agent fails closed.
 */
public final class EpochStore {
    public static final String FILE_NAME = "epochs.properties";
    private final Path file;
    private final Map<String, Epoch> epochs = new TreeMap<>();

    private EpochStore(Path file) {
        this.file = file;
    }

    /** Loads the store, creating {@code stateDir} if needed; a corrupt file is an IOException naming it. */
    public static EpochStore open(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        return load(stateDir);
    }

    /** Loads the store without creating anything (for {@code pgfence render}); never call advance on it. */
    public static EpochStore peek(Path stateDir) throws IOException {
        return load(stateDir);
    }

    private static EpochStore load(Path stateDir) throws IOException {
        EpochStore store = new EpochStore(stateDir.resolve(FILE_NAME));
        Optional<String> text = AtomicFile.read(store.file);
        if (text.isPresent()) {
            Properties p = new Properties();
            p.load(new StringReader(text.get()));
            for (String cluster : p.stringPropertyNames()) {
                store.epochs.put(cluster, parse(store.file, cluster, p.getProperty(cluster)));
            }
        }
        return store;
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

    public synchronized Optional<Epoch> applied(String cluster) {
        return Optional.ofNullable(epochs.get(cluster));
    }

    /**
     * Records {@code epoch} if it is newer than the stored one (or the first); returns whether it did.
     * An epoch of another system identifier never replaces the stored one.
     */
    public synchronized boolean advance(String cluster, Epoch epoch) throws IOException {
        Epoch current = epochs.get(cluster);
        if (current != null && (!current.systemIdentifier().equals(epoch.systemIdentifier())
                || current.timeline() >= epoch.timeline())) {
            return false;
        }
        Map<String, Epoch> next = new TreeMap<>(epochs);
        next.put(cluster, epoch);
        StringBuilder text = new StringBuilder("# pgfence agent: highest epoch applied per cluster\n");
        next.forEach((c, e) -> text.append(c).append('=').append(e.timeline()).append('@')
                .append(e.systemIdentifier()).append('\n'));
        AtomicFile.write(file, text.toString(), false);
        epochs.put(cluster, epoch);
        return true;
    }

    public Path file() {
        return file;
    }
}
