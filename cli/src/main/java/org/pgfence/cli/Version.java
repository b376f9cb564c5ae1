package org.pgfence.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version and the git commit Maven stamped into the jar ({@code pgfence-version.properties}, filled at build
 * time). A build outside a git repository says {@code commit unknown}; one from a working tree with uncommitted
 * changes to tracked files says so after the commit.
 */
public final class Version implements IVersionProvider {
    private static final String UNKNOWN = "unknown";

    public static String current() {
        return stamp().getProperty("version", UNKNOWN);
    }

    /** The full commit id the jar was built from, or {@code unknown}. */
    public static String commit() {
        String commit = stamp().getProperty("commit", UNKNOWN);
        return commit.isBlank() || commit.startsWith("${") ? UNKNOWN : commit;
    }

    static boolean modified() {
        return Boolean.parseBoolean(stamp().getProperty("dirty", "false"));
    }

    private static Properties stamp() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/pgfence-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unreadable stamp reads as unknown, like a missing one
        }
        return p;
    }

    @Override
    public String[] getVersion() {
        String commit = "commit " + commit() + (modified() ? " (with uncommitted changes)" : "");
        return new String[] {"pgfence " + current(), commit, "Java " + Runtime.version()};
    }
}
