package org.pgfence.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.pgfence.lab.kafka.EmbeddedKafka;

/**
 * The one Kafka broker of a test JVM, from one place:
 * <ol>
 *   <li>an external cluster when {@code PGFENCE_TEST_KAFKA} names its bootstrap servers;</li>
 *   <li>a Testcontainers {@code KafkaContainer} with {@code -Dpgfence.test.kafka=testcontainers} (machines with Docker);</li>
 *   <li>otherwise the embedded single-node KRaft broker, in this JVM (the default; no test skips without Docker).</li>
 * </ol>
 * Started once, on first use; stopped when the JVM exits. Tests isolate themselves with fresh topic prefixes and groups.
 */
public final class TestKafka {
    private static String bootstrap;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrap == null) {
            bootstrap = start();
        }
        return bootstrap;
    }

    private static String start() {
        String external = System.getenv("PGFENCE_TEST_KAFKA");
        if (external != null && !external.isBlank()) {
            return external;
        }
        if ("testcontainers".equals(System.getProperty("pgfence.test.kafka"))) {
            var container = new org.testcontainers.kafka.KafkaContainer("apache/kafka:4.1.0");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "kafka-container-stop"));
            return container.getBootstrapServers();
        }
        try {
            EmbeddedKafka kafka = EmbeddedKafka.start(Files.createTempDirectory("pgfence-test-kafka"), "127.0.0.1", 0, true);
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-stop"));
            return kafka.bootstrapServers();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker", e);
        }
    }
}
