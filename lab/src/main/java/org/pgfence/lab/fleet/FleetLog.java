package org.pgfence.lab.fleet;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * The fleet's logs: every agent of this JVM (and its Kafka and JDBC clients) writes to one file instead of the
 * console, which keeps the report readable at N = 500, and three things are counted on the way: lines about a
 * connection PostgreSQL refused for want of a slot (SQLSTATE 53300), "fenced closed" lines, and each consumer group's last "Adding newly
 * assigned partitions" (a rebalance that ended with the member holding its partition; Kafka logs it at INFO, raised
 * here for that one logger). Undone on {@link #close()}. Without logback underneath, it captures nothing.
 */
final class FleetLog implements AutoCloseable {
    static final List<String> CAPTURED = List.of("org.pgfence.consumer", "org.pgfence.runtime", "org.pgfence.pgbouncer",
            "org.apache.kafka", "org.postgresql");
    static final String REBALANCE_LOGGER = "org.apache.kafka.clients.consumer.internals.ConsumerRebalanceListenerInvoker";
    static final Pattern REFUSED = Pattern.compile("53300|too many clients|remaining connection slots|too many connections");
    static final Pattern ASSIGNED = Pattern.compile("groupId=([^\\],]+)\\] Adding newly assigned partitions");

    private final LoggerContext context;
    private final FileAppender<ILoggingEvent> file = new FileAppender<>();
    private final Counter counter = new Counter();
    private final Map<String, Boolean> additivity = new ConcurrentHashMap<>();
    private Level rebalanceLevel;
    private final Clock clock;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong warnings = new AtomicLong();
    private final AtomicLong fencedClosed = new AtomicLong();
    private final AtomicReference<String> firstRefused = new AtomicReference<>();
    private final Map<String, Instant> assigned = new ConcurrentHashMap<>();

    FleetLog(Path path, Clock clock) {
        this.clock = clock;
        this.context = LoggerFactory.getILoggerFactory() instanceof LoggerContext c ? c : null;
        if (context == null) {
            return;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} host=%X{host} - %msg%n");
        encoder.start();
        file.setContext(context);
        file.setName("fleet-file");
        file.setFile(path.toString());
        file.setEncoder(encoder);
        file.start();
        counter.setContext(context);
        counter.setName("fleet-counter");
        counter.start();
        for (String name : CAPTURED) {
            Logger l = context.getLogger(name);
            additivity.put(name, l.isAdditive());
            l.setAdditive(false);
            l.addAppender(file);
            l.addAppender(counter);
        }
        Logger rebalance = context.getLogger(REBALANCE_LOGGER);
        rebalanceLevel = rebalance.getLevel();
        rebalance.setLevel(Level.INFO);
    }

    /** Log events (WARN and above, or any mentioning it) about a connection refused for want of a slot. */
    long refused() {
        return refused.get();
    }

    String firstRefused() {
        return firstRefused.get();
    }

    long warnings() {
        return warnings.get();
    }

    /** The agents' "fenced closed: ..." lines (DESIGN rule 4: rw disabled for want of a verifiable primary). */
    long fencedClosed() {
        return fencedClosed.get();
    }

    /** Groups whose member was last assigned its partitions at or after {@code since}, with that time. */
    Map<String, Instant> assignedSince(Instant since) {
        Map<String, Instant> out = new java.util.TreeMap<>();
        assigned.forEach((g, at) -> {
            if (!at.isBefore(since)) {
                out.put(g, at);
            }
        });
        return out;
    }

    private final class Counter extends AppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent e) {
            String message = e.getFormattedMessage();
            if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
                warnings.incrementAndGet();
                if (message != null && message.startsWith("fenced closed")) {
                    fencedClosed.incrementAndGet();
                }
            }
            String text = e.getThrowableProxy() == null ? message : message + " " + e.getThrowableProxy().getMessage();
            if (text != null && REFUSED.matcher(text).find()) {
                refused.incrementAndGet();
                firstRefused.compareAndSet(null, "[" + e.getMDCPropertyMap().getOrDefault("host", e.getThreadName())
                        + "] " + text);
            }
            Matcher m = message == null ? null : ASSIGNED.matcher(message);
            if (m != null && m.find()) {
                assigned.put(m.group(1), clock.instant());
            }
        }
    }

    @Override
    public void close() {
        if (context == null) {
            return;
        }
        List<String> names = new ArrayList<>(additivity.keySet());
        for (String name : names) {
            Logger l = context.getLogger(name);
            l.detachAppender(file);
            l.detachAppender(counter);
            l.setAdditive(additivity.get(name));
        }
        context.getLogger(REBALANCE_LOGGER).setLevel(rebalanceLevel);
        counter.stop();
        file.stop();
    }
}
