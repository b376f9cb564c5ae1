package org.pgfence.audit.tracking;

import java.time.Duration;

/**
 * One expected host of one promotion: its state, the first good ack (null unless it had one) and the latest ack of
 * any status that concerns the promotion (to show a FAILED with its error), how long after occurredAt the good ack
 * completed; what the host reported it routes now ({@code routing}, null when it never said) and whether that
 * report is older than its last good ack (then the ack is the newer word); and whether an agent is registered for the
 * host now.
 */
public record HostProgress(String host, HostState state, AckRecord goodAck, AckRecord latestAck, Duration ackedAfter,
                           RoutingRecord routing, boolean routingOlderThanAck, boolean registered) {

    public boolean remediated() {
        return goodAck != null && goodAck.fromRemediation();
    }

    /** Nothing was ever heard from this host: no agent registered, no ack, no routing report. */
    public boolean neverHeardFrom() {
        return !registered && goodAck == null && latestAck == null && routing == null;
    }
}
