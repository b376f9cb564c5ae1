package org.pgfence.audit.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The ordered schema migrations shipped as class path resources next to this class, listed in
 * {@code migration/index.txt} (a jar cannot be listed portably). Versions must run 1, 2, 3... without gaps
 * or duplicates; a broken catalog fails at start, naming the resource.
 */
public final class MigrationCatalog {
    static final String BASE = "migration/";
    private final List<Migration> migrations;

    public MigrationCatalog(List<Migration> migrations) {
        List<Migration> sorted = new ArrayList<>(migrations);
        sorted.sort(Comparator.comparingInt(Migration::version));
        for (int i = 0; i < sorted.size(); i++) {
            Migration m = sorted.get(i);
            if (m.version() != i + 1) {
                throw new IllegalStateException("Migration versions must be 1.." + sorted.size()
                        + " without gaps or duplicates; found " + m.resource() + " at position " + (i + 1));
            }
        }
        this.migrations = List.copyOf(sorted);
    }

    /** The catalog shipped with pgfence. */
    public static MigrationCatalog builtIn() {
        String index = resource(BASE + "index.txt");
        List<Migration> list = new ArrayList<>();
        for (String line : index.split("\n")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                list.add(Migration.parse(name, resource(BASE + name)));
            }
        }
        return new MigrationCatalog(list);
    }

    public List<Migration> migrations() {
        return migrations;
    }

    public int latestVersion() {
        return migrations.size();
    }

    /** The migrations above {@code current}, in order. */
    public List<Migration> after(int current) {
        return migrations.stream().filter(m -> m.version() > current).toList();
    }

    private static String resource(String name) {
        try (InputStream in = MigrationCatalog.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing schema resource " + name + " next to "
                        + MigrationCatalog.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema resource " + name, e);
        }
    }
}
