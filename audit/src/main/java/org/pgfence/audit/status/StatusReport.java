package org.pgfence.audit.status;

import java.time.Instant;
import java.util.List;
import org.pgfence.audit.store.MaintenanceRecord;
import org.pgfence.audit.tracking.Verdict;
import org.pgfence.process.ExitCode;

/**
 * What {@code pgfence audit status} found: the promotions to show (newest first) and the latest promotion
 * of each selected cluster, which alone decides the exit code; and the clusters an operator paused ({@code pgfence
 * pause}), shown first: their promotions are not fenced, whatever the verdicts say. Maintenance does not change the
 * exit code (a planned pause should not page anyone); the text and JSON say it.
 */
public record StatusReport(Instant generatedAt, String clusterFilter, List<PromotionStatus> promotions,
                           List<Verdict> latestPerCluster, List<MaintenanceRecord> maintenance) {

    public StatusReport {
        promotions = List.copyOf(promotions);
        latestPerCluster = List.copyOf(latestPerCluster);
        maintenance = List.copyOf(maintenance);
    }

    /** A report with no cluster in maintenance. */
    public StatusReport(Instant generatedAt, String clusterFilter, List<PromotionStatus> promotions,
                        List<Verdict> latestPerCluster) {
        this(generatedAt, clusterFilter, promotions, latestPerCluster, List.of());
    }

    /**
     * OK when the latest promotion of every selected cluster is complete and none of its hosts has regressed since
     * (or there is none), else CHECK_FAILED.
     */
    public ExitCode exitCode() {
        return latestPerCluster.stream().allMatch(Verdict::holds) ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }
}
