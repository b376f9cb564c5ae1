package org.pgfence.consumer.discovery;

import org.pgfence.consumer.config.ClusterConfig;

/** Reads one node's state. Never throws: an unreachable or broken node is an observation with an error. */
public interface NodeProbe extends AutoCloseable {

    NodeObservation probe(ClusterConfig cluster, Address address);

    /** Closes any connection kept for reuse. */
    @Override
    void close();
}
