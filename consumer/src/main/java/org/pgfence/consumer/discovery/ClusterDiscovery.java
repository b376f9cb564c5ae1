package org.pgfence.consumer.discovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.pgfence.consumer.config.ClusterConfig;

/**
 * Probes every candidate node of a cluster in parallel, in at most two rounds: seeds and nodes remembered
 * from the last round's metadata first; then any node the answers list that was not probed yet (never an
 * address only an event names: {@link ProbeTargets}). Each round is bounded by {@code 3 x connectTimeout}; a probe still running then is
 * an unreachable node.
 */
public final class ClusterDiscovery {
    private final NodeProbe probe;
    private final ExecutorService executor;
    private final Clock clock;
    private final Map<String, Set<Address>> known = new ConcurrentHashMap<>();

    public ClusterDiscovery(NodeProbe probe, ExecutorService executor, Clock clock) {
        this.probe = probe;
        this.executor = executor;
        this.clock = clock;
    }

    public ClusterSnapshot discover(ClusterConfig cluster) throws InterruptedException {
        Instant start = clock.instant();
        Set<Address> first = ProbeTargets.first(cluster.nodes(), known.getOrDefault(cluster.name(), Set.of()));
        List<NodeObservation> all = new ArrayList<>(round(cluster, first));
        Set<Address> more = ProbeTargets.listedButNotProbed(all);
        if (!more.isEmpty()) {
            all.addAll(round(cluster, more));
        }
        known.put(cluster.name(), ProbeTargets.listed(all));
        return new ClusterSnapshot(cluster.name(), all, start, Duration.between(start, clock.instant()));
    }

    private List<NodeObservation> round(ClusterConfig cluster, Collection<Address> addresses)
            throws InterruptedException {
        List<Future<NodeObservation>> futures = new ArrayList<>();
        List<Address> order = new ArrayList<>(addresses);
        for (Address a : order) {
            futures.add(executor.submit(() -> probe.probe(cluster, a)));
        }
        long deadline = System.nanoTime() + cluster.connectTimeout().multipliedBy(3).toNanos();
        List<NodeObservation> out = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                out.add(futures.get(i).get(left, TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                futures.get(i).cancel(true);
                out.add(NodeObservation.unreachable(order.get(i), "probe timed out after "
                        + cluster.connectTimeout().multipliedBy(3).toMillis() + "ms"));
            } catch (ExecutionException e) {
                out.add(NodeObservation.unreachable(order.get(i), "probe failed: " + e.getCause()));
            }
        }
        return out;
    }
}
