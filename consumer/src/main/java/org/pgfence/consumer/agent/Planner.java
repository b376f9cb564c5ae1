package org.pgfence.consumer.agent;

import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.config.ClusterConfig;
import org.pgfence.consumer.decision.ClusterPlan;
import org.pgfence.consumer.decision.Decider;
import org.pgfence.consumer.decision.DecisionInput;
import org.pgfence.consumer.discovery.ClusterDiscovery;
import org.pgfence.consumer.discovery.ClusterSnapshot;
import org.pgfence.consumer.state.EpochStore;
import org.pgfence.events.Epoch;
import org.pgfence.events.MasterPromoted;

/** Discovery then decision for one cluster: what this host should route now. Writes nothing. */
public final class Planner {
    private final AgentConfig config;
    private final ClusterDiscovery discovery;
    private final Decider decider;
    private final EpochStore epochs;

    public Planner(AgentConfig config, ClusterDiscovery discovery, Decider decider, EpochStore epochs) {
        this.config = config;
        this.discovery = discovery;
        this.decider = decider;
        this.epochs = epochs;
    }

    /** The snapshot and the plan; {@code event} may be null (reconcile). */
    public Planned plan(ClusterConfig cluster, MasterPromoted event) throws InterruptedException {
        ClusterSnapshot snapshot = discovery.discover(cluster);
        Epoch floor = epochs.floor(cluster.name()).orElse(null);
        ClusterPlan plan = decider.decide(new DecisionInput(cluster.name(), snapshot.observations(), floor,
                epochs.unknown().orElse(null), event == null ? null : event.epoch(), config.databasesOf(cluster.name()),
                config.localNode()));
        return new Planned(snapshot, plan);
    }

    /** A plan and the snapshot it was made from. */
    public record Planned(ClusterSnapshot snapshot, ClusterPlan plan) {
    }
}
