package org.pgfence.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * pgfence's logging, set up in code rather than from a logback.xml: Joran's XML parsing and model building cost
 * about a third of a second of JVM start, and {@code pgfence promote} starts inside repmgrd's failover.
 * Logs go to stderr (stdout belongs to command output); {@code org.pgfence} logs at {@code $PGFENCE_LOG_LEVEL}
 * (default INFO), third parties at WARN. {@code $PGFENCE_LOG_FORMAT=json} writes one JSON object per line instead
 * (logback's own JsonEncoder: timestamp, level, logger, MDC with cluster, event id and host, message), for log
 * shippers. {@code -Dlogback.configurationFile=FILE} still wins: then this steps aside.
 * Found by logback through {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    /** ISO-8601 date-time with the zone's offset: a line read out of context (repmgr.log, a ticket) says when. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0}"
            + "%replace( cluster=%X{cluster}){' cluster=$', ''}"
            + "%replace( event=%X{event.id}){' event=$', ''}"
            + "%replace( host=%X{host}){' host=$', ''} - %msg%n";

    /**
     * Levels besides the root's WARN, for the libraries production runs; {@code org.pgfence} is added from the
     * environment. The Kafka broker's loggers belong to the lab, which runs a broker (its EmbeddedKafka sets them).
     */
    static final Map<String, Level> LEVELS = Map.of(
            "org.apache.kafka", Level.WARN,
            "org.apache.kafka.clients.NetworkClient", Level.ERROR,
            "org.postgresql", Level.WARN,
            "com.jcraft.jsch", Level.WARN);

    /**
     * pgjdbc logs through java.util.logging; its one warning ("Unsupported Server Version: 1.18.0/bouncer" on every
     * pgjdbc connection to pgbouncer's admin console, as the lab's tests make) is noise on an operator's console.
     * Held here: java.util.logging keeps only weak references to its loggers, and a collected one forgets its level.
     */
    private static java.util.logging.Logger pgjdbc;

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        quietPgjdbc();
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Encoder<ILoggingEvent> encoder = encoder(context, System.getProperty("PGFENCE_LOG_FORMAT",
                System.getenv("PGFENCE_LOG_FORMAT")));
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        context.getLogger("org.pgfence").setLevel(pgfenceLevel(System.getProperty("PGFENCE_LOG_LEVEL",
                System.getenv("PGFENCE_LOG_LEVEL"))));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static synchronized void quietPgjdbc() {
        pgjdbc = java.util.logging.Logger.getLogger("org.postgresql");
        pgjdbc.setLevel(java.util.logging.Level.SEVERE);
    }

    /** The pattern above, or logback's JsonEncoder when {@code format} is {@code json} (any case). */
    static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
        if (format != null && format.strip().equalsIgnoreCase("json")) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            json.start();
            return json;
        }
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(context);
        pattern.setPattern(PATTERN);
        pattern.start();
        return pattern;
    }

    /** {@code $PGFENCE_LOG_LEVEL} as logback reads a level (unknown words fall back to INFO, as logback.xml did). */
    static Level pgfenceLevel(String value) {
        return value == null || value.isBlank() ? Level.INFO : Level.toLevel(value.strip(), Level.INFO);
    }
}
