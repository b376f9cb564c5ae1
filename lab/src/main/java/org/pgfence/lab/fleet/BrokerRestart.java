package org.pgfence.lab.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.pgfence.lab.Lab;
import org.pgfence.lab.bench.Percentiles;

/**
 * The group coordinator after a broker restart: the lab's broker is stopped (SIGTERM, its data kept) for
 * {@link #DOWN}, started again, and from its start each agent's consumer group is timed until the coordinator
 * reports it stable with its member holding the promotions partition ({@link GroupWatch}); the agents' own logs say
 * which of them went through a rebalance meanwhile ({@link FleetLog}).
 */
final class BrokerRestart {
    static final Duration DOWN = Duration.ofSeconds(3);
    static final Duration POLL = Duration.ofMillis(250);

    private final Lab lab;
    private final GroupWatch groups;
    private final FleetLog log;
    private final Clock clock;

    BrokerRestart(Lab lab, GroupWatch groups, FleetLog log, Clock clock) {
        this.lab = lab;
        this.groups = groups;
        this.log = log;
        this.clock = clock;
    }

    FleetResult.Broker run(List<FleetHost> hosts, String topic) {
        List<String> all = hosts.stream().map(FleetHost::group).toList();
        Duration wait = Duration.ofSeconds(60).plusMillis(200L * hosts.size());
        int before = awaitAssigned(all, topic, wait, clock.instant(), new HashMap<>());
        if (before < all.size()) {
            return new FleetResult.Broker(-1, -1, -1, before, all.size(), Percentiles.of(List.of()), 0, -1,
                    "only " + before + " of " + all.size() + " groups assigned before the restart; not restarted");
        }
        Instant stop = clock.instant();
        lab.stopBroker();
        Instant stopped = clock.instant();
        LockSupport.parkNanos(DOWN.toNanos());
        Instant starting = clock.instant();
        try {
            lab.startBroker();
        } catch (RuntimeException e) {
            return new FleetResult.Broker(Duration.between(stop, stopped).toMillis(),
                    Duration.between(stop, starting).toMillis(), -1, 0, all.size(),
                    Percentiles.of(List.of()), 0, -1, "the broker did not start again: " + e.getMessage());
        }
        Instant started = clock.instant();
        Map<String, Instant> firstAssigned = new HashMap<>();
        int assigned = awaitAssigned(all, topic, wait, started, firstAssigned);
        List<Long> perGroup = new ArrayList<>();
        firstAssigned.values().forEach(at -> perGroup.add(Duration.between(started, at).toMillis()));
        Map<String, Instant> rejoined = log.assignedSince(stop);
        long lastRejoin = rejoined.values().stream().mapToLong(at -> Duration.between(started, at).toMillis()).max()
                .orElse(-1);
        return new FleetResult.Broker(Duration.between(stop, stopped).toMillis(),
                Duration.between(stop, starting).toMillis(), Duration.between(starting, started).toMillis(), assigned, all.size(), Percentiles.of(perGroup),
                rejoined.size(), lastRejoin, assigned == all.size() ? null : (all.size() - assigned)
                + " groups not stable and assigned within " + wait.toSeconds() + " s of the broker's start");
    }

    /** Polls until every group is assigned or {@code wait} passes; records each group's first assignment seen. */
    private int awaitAssigned(List<String> all, String topic, Duration wait, Instant from, Map<String, Instant> first) {
        Instant end = from.plus(wait);
        while (true) {
            Set<String> now = groups.assigned(all, topic);
            Instant at = clock.instant();
            now.forEach(g -> first.putIfAbsent(g, at));
            if (first.size() == all.size() || at.isAfter(end)) {
                return first.size();
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }
}
