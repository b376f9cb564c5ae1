package org.pgfence.audit.status;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.pgfence.audit.store.RemediationRecord;
import org.pgfence.audit.tracking.Verdict;

/** Everything the status command shows about one promotion. */
public record PromotionStatus(Verdict verdict, Map<String, Instant> overdueMarked, List<RemediationRecord> remediations) {

    public PromotionStatus {
        overdueMarked = Map.copyOf(overdueMarked);
        remediations = List.copyOf(remediations);
    }
}
