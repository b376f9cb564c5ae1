package org.pgfence.audit.status;

import java.time.Instant;
import java.util.Map;
import org.pgfence.audit.store.AckTimes;

/**
 * One promotion as its page shows it: the status line of every expected host ({@link StatusDocument.PromotionLine}),
 * the times of each host's ack ({@code times}, by host), and when the auditor first received an event announcing it
 * ({@code announcedAt}, null if only acks told it).
 */
public record PromotionPage(Instant generatedAt, StatusDocument.PromotionLine promotion, Map<String, AckTimes> times,
                            Instant announcedAt) {

    public PromotionPage {
        times = Map.copyOf(times);
    }
}
