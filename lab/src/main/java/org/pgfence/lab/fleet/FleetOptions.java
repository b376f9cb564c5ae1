package org.pgfence.lab.fleet;

import java.time.Duration;

/**
 * How a fleet cell runs.
 *
 * @param promotions     primary crashes, each repaired (rejoin) before the next
 * @param maxConnections {@code max_connections} given to every node first (0: leave the lab's 50)
 * @param brokerRestart  whether to stop and start the lab's broker at the end and time the groups' return
 * @param reconcile      the agents' timer reconcile interval (the product default: 30 s)
 * @param heartbeat      the agents' heartbeat interval (the product default: 5 s)
 * @param rest           the quiet window measured before each crash
 * @param ramp           the pause between two agents' starts
 */
public record FleetOptions(int promotions, int maxConnections, boolean brokerRestart, Duration reconcile,
                           Duration heartbeat, Duration rest, Duration ramp) {

    public FleetOptions {
        if (promotions < 1 || maxConnections < 0 || reconcile.toSeconds() < 1 || heartbeat.toSeconds() < 1
                || rest.isNegative() || ramp.isNegative()) {
            throw new IllegalArgumentException("Invalid fleet options: promotions >= 1, maxConnections >= 0 (0: the"
                    + " lab's), reconcile and heartbeat >= 1s, rest and ramp >= 0");
        }
    }

    /** The product's intervals, PostgreSQL's default max_connections, a 10 s rest, 20 agents started per second. */
    public static FleetOptions defaults(int promotions) {
        return new FleetOptions(promotions, 100, true, Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofMillis(50));
    }

    public FleetOptions withMaxConnections(int value) {
        return new FleetOptions(promotions, value, brokerRestart, reconcile, heartbeat, rest, ramp);
    }

    public FleetOptions withBrokerRestart(boolean value) {
        return new FleetOptions(promotions, maxConnections, value, reconcile, heartbeat, rest, ramp);
    }

    public FleetOptions withRest(Duration value) {
        return new FleetOptions(promotions, maxConnections, brokerRestart, reconcile, heartbeat, value, ramp);
    }
}
