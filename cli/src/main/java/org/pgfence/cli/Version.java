package org.pgfence.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version Maven stamped into the jar. */
public final class Version implements IVersionProvider {

    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream("/pgfence-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"pgfence " + current(), "Java " + Runtime.version()};
    }
}
