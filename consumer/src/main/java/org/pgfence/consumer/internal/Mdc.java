package org.pgfence.consumer.internal;

import java.util.UUID;
import org.slf4j.MDC;

/** Sets the MDC keys {@code cluster}, {@code event.id}, {@code host} for a scope; restores on close. */
public final class Mdc implements AutoCloseable {
    private final String previousCluster;
    private final String previousEvent;
    private final String previousHost;

    private Mdc(String cluster, UUID eventId, String host) {
        previousCluster = MDC.get("cluster");
        previousEvent = MDC.get("event.id");
        previousHost = MDC.get("host");
        put("cluster", cluster);
        put("event.id", eventId == null ? null : eventId.toString());
        put("host", host);
    }

    public static Mdc of(String cluster, UUID eventId, String host) {
        return new Mdc(cluster, eventId, host);
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    @Override
    public void close() {
        put("cluster", previousCluster);
        put("event.id", previousEvent);
        put("host", previousHost);
    }
}
