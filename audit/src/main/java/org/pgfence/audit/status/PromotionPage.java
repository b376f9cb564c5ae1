package org.pgfence.audit.status;

import java.time.Instant;
import java.util.Map;
import org.pgfence.audit.store.AckTimes;
import org.pgfence.audit.store.Hold;

/**
 * One promotion as its page shows it: the status line of every expected host ({@link StatusDocument.PromotionLine}),
 * the times of each host's ack ({@code times}, by host), and when the auditor first received an event announcing it
 * ({@code announcedAt}, null if only acks told it); the hold two-phase fencing put before it ({@code hold}, null if
 * none: a promotion without {@code pgfence switchover} or {@code promote.pause}).
 */
public record PromotionPage(Instant generatedAt, StatusDocument.PromotionLine promotion, Map<String, AckTimes> times,
                            Instant announcedAt, Hold hold) {

    public PromotionPage {
        times = Map.copyOf(times);
    }
}
