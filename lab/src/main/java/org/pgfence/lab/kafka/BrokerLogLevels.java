package org.pgfence.lab.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The levels of the Kafka broker's own loggers, set by the lab where it runs a broker (its own JVM or a test's): its
 * start line at INFO, the controller's expected complaints of a single-node quorum muted. Production code runs no broker
 * and configures none of these (the CLI's LogConfigurator knows only the libraries a production install ships).
 * A level someone already set (a {@code -Dlogback.configurationFile}) is left alone.
 */
final class BrokerLogLevels {
    static final Map<String, Level> LEVELS = Map.of(
            "kafka.server.KafkaRaftServer", Level.INFO,
            "org.apache.kafka.controller.QuorumController", Level.ERROR);

    private BrokerLogLevels() {
    }

    static void apply() {
        apply(LoggerFactory.getILoggerFactory());
    }

    static void apply(ILoggerFactory factory) {
        if (factory instanceof LoggerContext context) {
            LEVELS.forEach((name, level) -> {
                if (context.getLogger(name).getLevel() == null) {
                    context.getLogger(name).setLevel(level);
                }
            });
        }
    }
}
