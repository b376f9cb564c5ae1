package org.pgfence.lab.fleet;

/**
 * One node over a window of the {@link ConnectionSampler}: how many connections the agents held (median and peak of
 * the 100 ms samples), the peak of all client backends, and the node's {@code max_connections}. {@code samples} 0:
 * the node did not answer at all in the window.
 */
public record NodeConnections(String node, int samples, long agentsMedian, long agentsPeak, long clientsPeak,
                              int maxConnections) {
    @Override
    public String toString() {
        return samples == 0 ? node + " -" : node + " " + agentsMedian + "/" + agentsPeak;
    }
}
