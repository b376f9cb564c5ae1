package org.pgfence.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The kafka-clients classes a broker's answers make a producer load. {@link CdsTraining} runs against a broker that
 * refuses connections, so it never reaches them, and the first record a promotion published loaded ~90 of them from
 * the jar, after the promotion and before the event was out (a class-load log of {@code pgfence promote} on the lab,
 * BENCHMARKS.md "Promote overhead"). Loading them (not initialising them) during training puts them in the archive.
 * Chosen by package, not by name, so that a kafka-clients upgrade that renames a class still finds its neighbours;
 * {@code KafkaAnswerPathTest} fails if an upgrade moves the packages themselves.
 */
final class KafkaAnswerPath {
    /** Whole packages (their own classes, not sub-packages): the client's network, protocol and producer internals. */
    static final List<String> PACKAGES = List.of("org/apache/kafka/clients/", "org/apache/kafka/clients/producer/",
            "org/apache/kafka/clients/producer/internals/", "org/apache/kafka/common/record/",
            "org/apache/kafka/common/record/internal/", "org/apache/kafka/common/utils/internals/",
            "org/apache/kafka/common/network/", "org/apache/kafka/common/protocol/",
            "org/apache/kafka/common/protocol/types/", "org/apache/kafka/common/feature/");
    /** The requests and messages of the APIs a producer speaks (of ~1,800 classes in those two packages). */
    static final List<String> APIS = List.of("Produce", "Metadata", "ApiVersions", "InitProducerId", "RequestHeader",
            "ResponseHeader", "GetTelemetrySubscriptions", "AbstractRequest", "AbstractResponse", "RequestUtils");
    private static final List<String> API_PACKAGES = List.of("org/apache/kafka/common/requests/",
            "org/apache/kafka/common/message/");

    private KafkaAnswerPath() {
    }

    /** Loads every such class of the kafka-clients jar on the class path; returns how many loaded. */
    static int load() throws IOException {
        ClassLoader loader = KafkaAnswerPath.class.getClassLoader();
        int loaded = 0;
        for (String name : classEntries()) {
            if (!wanted(name)) {
                continue;
            }
            try {
                Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), false, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
                // a class needing an optional library (a compression codec); the archive does without it
            }
        }
        return loaded;
    }

    /** The class files of the kafka-clients jar on the class path, as jar entry names. */
    static List<String> classEntries() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            return Collections.list(jar.entries()).stream().map(JarEntry::getName).filter(n -> n.endsWith(".class"))
                    .toList();
        }
    }

    static boolean wanted(String entry) {
        String pkg = entry.substring(0, entry.lastIndexOf('/') + 1);
        if (PACKAGES.contains(pkg)) {
            return true;
        }
        String simple = entry.substring(pkg.length());
        return API_PACKAGES.contains(pkg) && APIS.stream().anyMatch(simple::startsWith);
    }

    private static Path jar() throws IOException {
        CodeSource source = KafkaProducer.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new IOException("kafka-clients has no code source");
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("kafka-clients' location " + source.getLocation() + ": " + e.getMessage(), e);
        }
    }
}
