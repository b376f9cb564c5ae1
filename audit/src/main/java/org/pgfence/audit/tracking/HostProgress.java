package org.pgfence.audit.tracking;

import java.time.Duration;

/**
 * One expected host of one promotion: its state, the first good ack (null unless ACKED) and the latest
 * ack of any status that concerns the promotion (to show a FAILED with its error), and how long after
 * occurredAt the good ack completed.
 */
public record HostProgress(String host, HostState state, AckRecord goodAck, AckRecord latestAck, Duration ackedAfter) {

    public boolean remediated() {
        return goodAck != null && goodAck.fromRemediation();
    }
}
