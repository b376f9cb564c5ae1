package org.pgfence.producer.postgres;

/** One row of {@code repmgr.nodes} as the local node sees it. The conninfo stays inside the producer. */
public record NodeRow(int nodeId, String name, String type, boolean active, String conninfo) {

    /** The failed primary after a failover: repmgr keeps {@code type='primary'} and sets {@code active=false}. */
    public boolean isInactivePrimary() {
        return "primary".equals(type) && !active;
    }

    public boolean isActivePrimary() {
        return "primary".equals(type) && active;
    }
}
