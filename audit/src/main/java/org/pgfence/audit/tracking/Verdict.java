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
        return hosts(HostState.OVERDUE);
    }

    /** Hosts that acked the promotion but report a routing that no longer serves it. */
    public List<String> regressedHosts() {
        return hosts(HostState.REGRESSED);
    }

    /** Complete, and every host still serves it now (a complete promotion stays complete; a host may regress after). */
    public boolean holds() {
        return complete && regressedHosts().isEmpty();
    }

    /** True when the promotion had no expected host: nobody was alive to fence it. */
    public boolean noExpectedHosts() {
        return hosts.isEmpty();
    }

    private List<String> hosts(HostState state) {
        return hosts.stream().filter(h -> h.state() == state).map(HostProgress::host).toList();
    }
}
