package org.pgfence.producer;

import java.time.Instant;
import java.util.OptionalInt;
import org.pgfence.events.Trigger;

/**
 * What is to be announced: a promotion of the local node, seen by {@code promote} or by {@code notify}.
 *
 * @param repmgrEvent        repmgr's event name, or {@code null} for the promote_command itself
 * @param occurredAt         when it happened (repmgr's %t), or {@code null} for "now"
 * @param formerPrimaryHint  repmgr's %p, when known
 */
public record Announcement(Trigger trigger, String repmgrEvent, Instant occurredAt, OptionalInt formerPrimaryHint) {
}
