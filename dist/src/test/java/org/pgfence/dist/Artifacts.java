package org.pgfence.dist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The release artifacts {@code mvn package} made (failsafe passes where, and their version). */
final class Artifacts {
    /** The jars a production lib may never hold: the broker, Scala, log4j's implementation, test libraries, the lab. */
    static final List<String> FORBIDDEN = List.of("kafka_2.13-", "kafka-server", "scala", "log4j-core", "testcontainers",
            "pgfence-lab", "junit", "assertj", "awaitility", "archunit");
    /** pgfence's own jars in a production lib. */
    static final List<String> PRODUCTION_MODULES = List.of("events", "runtime", "pgbouncer", "producer", "consumer", "audit", "cli");

    private Artifacts() {
    }

    static String version() {
        return required("pgfence.version");
    }

    static Path dir() {
        return Path.of(required("pgfence.artifacts"));
    }

    static Path tarball() {
        return existing(dir().resolve("pgfence-" + version() + ".tar.gz"));
    }

    static Path labTarball() {
        return existing(dir().resolve("pgfence-lab-" + version() + ".tar.gz"));
    }

    static Path deb() {
        return existing(dir().resolve("pgfence_" + version() + "_all.deb"));
    }

    /** Where the tarball unpacks: its one top directory. */
    static String topDirectory() {
        return "pgfence-" + version();
    }

    static Path repositoryRoot() {
        return dir().getParent().getParent();
    }

    /** Why {@code jar} may not be in a production lib, or null when it may. */
    static String forbidden(String jar) {
        return FORBIDDEN.stream().filter(jar::startsWith).findFirst().map(f -> jar + " (" + f + "*)").orElse(null);
    }

    private static Path existing(Path artifact) {
        if (!Files.isRegularFile(artifact)) {
            throw new AssertionError(artifact + " is missing: the ITs test what package made (mvn -B verify)");
        }
        return artifact;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new AssertionError("-D" + property + " is not set: run the dist ITs through failsafe (mvn verify)");
        }
        return value;
    }
}
