package org.pgfence.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.MDC;

/**
 * Keys of the logging context (slf4j's MDC) for a scope: what a log line is about. Every deployable uses the same
 * three keys, so one log pattern (and one search) serves the agent, the auditor and the promoter. On close each key
 * gets back the value it had before the scope (a nested scope does not wipe its outer one's keys).
 * <pre>{@code try (LogContext log = LogContext.with(LogContext.CLUSTER, cluster).and(LogContext.HOST, host)) { ... }}</pre>
 */
public final class LogContext implements AutoCloseable {
    /** The repmgr cluster (the event's {@code cluster}). */
    public static final String CLUSTER = "cluster";
    /** The event's id, or what started the work when no event did ({@code reconcile}). */
    public static final String EVENT_ID = "event.id";
    /** The pgbouncer host. */
    public static final String HOST = "host";

    private record Saved(String key, String value) {
    }

    private final Deque<Saved> saved = new ArrayDeque<>(3);

    private LogContext() {
    }

    /** A scope in which {@code key} is {@code value} ({@code null}: not set in this scope). */
    public static LogContext with(String key, Object value) {
        return new LogContext().and(key, value);
    }

    /** Also {@code key} = {@code value} in this scope. */
    public LogContext and(String key, Object value) {
        saved.push(new Saved(key, MDC.get(key)));
        set(key, value == null ? null : value.toString());
        return this;
    }

    private static void set(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    @Override
    public void close() {
        while (!saved.isEmpty()) {
            Saved s = saved.pop();
            set(s.key(), s.value());
        }
    }
}
