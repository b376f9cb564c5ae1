package org.pgfence.audit.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The state of one promotion at one instant. {@code completedAt} is the completion time of the last
 * needed ack; {@code duration} is from the promotion's occurredAt to it (never negative).
 */
public record Verdict(Promotion promotion, boolean complete, Instant completedAt, Duration duration,
                      List<HostProgress> hosts) {

    public Verdict {
        hosts = List.copyOf(hosts);
    }

    public List<String> overdueHosts() {
        return hosts.stream().filter(h -> h.state() == HostState.OVERDUE).map(HostProgress::host).toList();
    }

    /** True when the promotion had no expected host: nobody was alive to fence it. */
    public boolean noExpectedHosts() {
        return hosts.isEmpty();
    }
}
