package org.pgfence.producer.repmgr;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import org.pgfence.events.Trigger;

/**
 * One repmgr event as {@code event_notification_command} passes it: {@code %n %e %s %t %d %p}.
 * An empty placeholder (repmgr leaves unset ones empty) reads as absent; a non-empty one that
 * cannot be parsed is a {@link PlaceholderException} naming it.
 *
 * @param nodeId        {@code %n}, the node the event is about (absent for some disconnect events)
 * @param formerPrimary {@code %p}: for the promote/switchover events, the primary that was replaced
 */
public record RepmgrEvent(OptionalInt nodeId, String event, boolean successful, Optional<Instant> timestamp,
                          String details, OptionalInt formerPrimary) {
    /**
     * The value for repmgr.conf's {@code event_notifications}: exactly the events {@link #trigger()} announces.
     * Without it repmgr starts {@code pgfence notify} (a JVM) for every event, some of them in the middle of a
     * failover or switchover, where those JVMs take CPU from the agents and from repmgr itself.
     */
    public static final String EVENT_NOTIFICATIONS = "standby_promote,standby_switchover,repmgrd_failover_promote";

    public static RepmgrEvent parse(String nodeId, String event, String success, String timestamp,
                                    String details, String primary) {
        if (event == null || event.isBlank()) {
            throw new PlaceholderException("--event", "%e", String.valueOf(event), "an event name is required");
        }
        if (!event.strip().matches("[a-z_]+")) {
            throw new PlaceholderException("--event", "%e", event, "expected an event name such as standby_promote");
        }
        return new RepmgrEvent(nodeIdOf("--node-id", "%n", nodeId), event.strip(), success(success),
                timestamp(timestamp), details == null ? "" : details, nodeIdOf("--primary", "%p", primary));
    }

    /** The trigger this event announces, or empty when pgfence ignores it. */
    public Optional<Trigger> trigger() {
        if (!successful) {
            return Optional.empty();
        }
        return switch (event) {
            case "standby_promote" -> Optional.of(Trigger.STANDBY_PROMOTE);
            case "standby_switchover" -> Optional.of(Trigger.SWITCHOVER);
            case "repmgrd_failover_promote" -> Optional.of(Trigger.REPMGRD_FAILOVER);
            default -> Optional.empty();
        };
    }

    private static OptionalInt nodeIdOf(String option, String placeholder, String text) {
        if (text == null || text.isBlank()) {
            return OptionalInt.empty();
        }
        try {
            int id = Integer.parseInt(text.strip());
            if (id > 0) {
                return OptionalInt.of(id);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PlaceholderException(option, placeholder, text, "expected a repmgr node id (a whole number > 0)");
    }

    private static boolean success(String text) {
        if (text == null || text.isBlank()) {
            return true;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "1", "t", "true" -> true;
            case "0", "f", "false" -> false;
            default -> throw new PlaceholderException("--success", "%s", text, "expected 1 or 0");
        };
    }

    private static Optional<Instant> timestamp(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        Instant at = RepmgrTimestamp.parseOrNull(text);
        if (at == null) {
            throw new PlaceholderException("--timestamp", "%t", text,
                    "expected a time such as '2026-11-25 20:07:15.149773+00' or '2026-11-25 20:07:13+0000'");
        }
        return Optional.of(at);
    }
}
