package org.pgfence.lab.it.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.pgfence.events.AckStatus;
import org.pgfence.events.FencingAck;

/** p50/p99 (nearest rank) of measured durations, printed for the report. */
final class Latency {
    private Latency() {
    }

    static long percentile(List<Long> sortedMillis, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sortedMillis.size());
        return sortedMillis.get(Math.max(0, Math.min(sortedMillis.size() - 1, rank - 1)));
    }

    /** One real apply: the agent's ack, with its own timings, and when the ack was seen on the acks topic. */
    record Apply(FencingAck ack, Instant seen) {
    }

    /** The apply latencies of {@code samples}, end to end and by part. */
    static void printApplies(List<Apply> samples) {
        print("agent apply (event received -> ack built)", samples.stream()
                .map(s -> Duration.between(s.ack().timings().receivedAt(), s.ack().timings().completedAt())).toList());
        print("agent apply (event received -> ack seen on the acks topic)", samples.stream()
                .map(s -> Duration.between(s.ack().timings().receivedAt(), s.seen())).toList());
        print("  of which apply (write+RELOAD+verify+KILL/RESUME)", samples.stream()
                .map(s -> Duration.ofMillis(s.ack().timings().applyMillis())).toList());
        print("  of which discovery", samples.stream()
                .map(s -> Duration.ofMillis(s.ack().timings().discoverMillis())).toList());
        System.out.printf("samples: %d (%d APPLIED, %d FENCED_CLOSED)%n", samples.size(),
                samples.stream().filter(s -> s.ack().status() == AckStatus.APPLIED).count(),
                samples.stream().filter(s -> s.ack().status() == AckStatus.FENCED_CLOSED).count());
    }

    static void print(String what, List<Duration> samples) {
        List<Long> ms = samples.stream().map(Duration::toMillis).sorted().toList();
        System.out.printf("LATENCY %s: n=%d p50=%d ms p99=%d ms min=%d ms max=%d ms%n", what, ms.size(),
                percentile(ms, 50), percentile(ms, 99), ms.get(0), ms.get(ms.size() - 1));
    }
}
