package org.pgfence.consumer.config;

/** A PostgreSQL node address the agent always probes, whatever repmgr's metadata says. */
public record SeedNode(String host, int port) {
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
