package org.pgfence.audit.status;

import java.time.Instant;
import java.util.List;
import org.pgfence.audit.tracking.Verdict;
import org.pgfence.process.ExitCode;

/**
 * What {@code pgfence audit status} found: the promotions to show (newest first) and the latest promotion
 * of each selected cluster, which alone decides the exit code.
 */
public record StatusReport(Instant generatedAt, String clusterFilter, List<PromotionStatus> promotions,
                           List<Verdict> latestPerCluster) {

    public StatusReport {
        promotions = List.copyOf(promotions);
        latestPerCluster = List.copyOf(latestPerCluster);
    }

    /**
     * OK when the latest promotion of every selected cluster is complete and none of its hosts has regressed since
     * (or there is none), else CHECK_FAILED.
     */
    public ExitCode exitCode() {
        return latestPerCluster.stream().allMatch(Verdict::holds) ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }
}
