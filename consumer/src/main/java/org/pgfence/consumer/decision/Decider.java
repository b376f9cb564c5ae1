package org.pgfence.consumer.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.pgfence.consumer.config.DatabaseConfig;
import org.pgfence.consumer.config.RoPolicy;
import org.pgfence.consumer.discovery.NodeObservation;
import org.pgfence.events.Epoch;
import org.pgfence.pgbouncer.ini.Role;

/**
 * The pure decision (DESIGN rules 1-4): which node gets rw, which nodes get ro, or why the cluster is
 * fenced closed. No I/O, no clock; everything comes in {@link DecisionInput}.
 *
 * <p>rw goes to the single writable node on the highest timeline whose own repmgr.nodes lists it as the
 * active primary. Fenced closed: nothing reachable; two running servers claiming one node id; two writable nodes
 * on the top timeline; no writable node there, or one that does not claim to be primary, or one whose values are
 * unsafe for the ini; an unknown epoch floor; the top timeline below the floor (the highest epoch this agent
 * has seen, on any trigger); an announced epoch above every reachable node.
 */
public final class Decider {
    /** How a warning about a writable node below the top timeline (a returning old primary) begins. */
    public static final String STALE_WRITER = "stale writer ";

    public ClusterPlan decide(DecisionInput in) {
        List<String> warnings = new ArrayList<>();
        String system = Candidates.referenceSystem(in.observations(), in.floor(), in.announced());
        List<Candidate> candidates = system == null ? List.of() : Candidates.of(in.observations(), system, warnings);
        int top = candidates.stream().mapToInt(Candidate::timeline).max().orElse(0);
        Epoch epoch = top > 0 ? new Epoch(top, system) : null;
        Candidate primary = primary(candidates, top);
        candidates.stream().filter(Candidate::writable).filter(c -> c.timeline() < top)
                .forEach(c -> warnings.add(STALE_WRITER + c.label() + " is writable on timeline " + c.timeline()
                        + ", below the top timeline " + top + " (a returning old primary): never routed; rejoin it"));
        RwDecision rw = rw(in, candidates, primary, top, epoch, system);
        Candidate verified = rw.routed() ? primary : null;
        ReadOnlyRouting ro = new ReadOnlyRouting(candidates, verified, top, in.localNode());
        String localMissing = ro.localMissing();
        in.databases().stream().filter(db -> db.role() == Role.RO && db.roPolicy() == RoPolicy.LOCAL)
                .filter(db -> localMissing != null && !candidates.isEmpty())
                .forEach(db -> warnings.add(db.name() + " (ro policy local): " + localMissing
                        + "; it falls back to the primary"));
        List<PlannedEntry> entries = new ArrayList<>();
        for (DatabaseConfig db : in.databases()) {
            entries.add(new PlannedEntry(db, db.role() == Role.RW ? (verified == null ? null : verified.ref())
                    : ro.target(db.roPolicy())));
        }
        return new ClusterPlan(in.cluster(), rw, entries, warnings);
    }

    /**
     * Why each node could not be probed (": 10.0.0.1:5432: cannot connect ...; ..."), so that the operator reads the
     * cause where the agent says it fenced closed: a full node (SQLSTATE 53300) is not a node that is down.
     */
    private static String unreachable(List<NodeObservation> observations) {
        String errors = observations.stream().filter(o -> !o.reachable()).map(o -> o.address() + ": " + o.error())
                .collect(Collectors.joining("; "));
        return errors.isEmpty() ? "" : ": " + errors;
    }

    private static Candidate primary(List<Candidate> candidates, int top) {
        List<Candidate> writers = writersOnTop(candidates, top);
        return writers.size() == 1 ? writers.get(0) : null;
    }

    private static List<Candidate> writersOnTop(List<Candidate> candidates, int top) {
        return candidates.stream().filter(Candidate::writable).filter(c -> c.timeline() == top).toList();
    }

    private static RwDecision rw(DecisionInput in, List<Candidate> candidates, Candidate primary, int top,
                                 Epoch epoch, String system) {
        if (candidates.isEmpty() || epoch == null) {
            return RwDecision.fenced(epoch, "no node of cluster " + in.cluster() + " is reachable"
                    + unreachable(in.observations()));
        }
        List<String> impostors = Candidates.impostors(in.observations(), system);
        if (!impostors.isEmpty()) {
            return RwDecision.fenced(epoch, String.join("; ", impostors) + ": which one is the node cannot be told");
        }
        List<Candidate> writers = writersOnTop(candidates, top);
        if (writers.size() > 1) {
            return RwDecision.fenced(epoch, writers.size() + " writable nodes on top timeline " + top + ": "
                    + writers.stream().map(Candidate::label).collect(Collectors.joining(", ")));
        }
        if (primary == null) {
            return RwDecision.fenced(epoch, "no writable node on top timeline " + top + " (writable: "
                    + candidates.stream().filter(Candidate::writable).map(c -> c.label() + " tli " + c.timeline())
                    .collect(Collectors.joining(", ")) + ")");
        }
        if (primary.self() == null || !primary.observation().claimsPrimary()) {
            return RwDecision.fenced(epoch, "writable node " + primary.label() + " on timeline " + top
                    + " is not an active primary in its own repmgr.nodes");
        }
        if (!primary.routable()) {
            return RwDecision.fenced(epoch, "primary unusable: " + primary.unusable());
        }
        if (in.floorUnknown() != null) {
            return RwDecision.fenced(epoch, "the epoch floor of cluster " + in.cluster() + " is unknown ("
                    + in.floorUnknown() + "): rw stays closed until the promotions topic has been read");
        }
        if (in.floor() != null && top < in.floor().timeline()) {
            return RwDecision.fenced(epoch, "the highest reachable timeline " + top + " is below the epoch floor "
                    + in.floor() + " (a newer primary exists out of this host's sight): rw stays closed until a node"
                    + " at or above it verifies");
        }
        if (in.announced() != null && system.equals(in.announced().systemIdentifier())
                && in.announced().timeline() > top) {
            return RwDecision.fenced(epoch, "event announces " + in.announced() + " but the highest reachable is "
                    + epoch);
        }
        return RwDecision.routed(primary.ref(), epoch);
    }
}
