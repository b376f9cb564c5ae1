package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A PostgreSQL node of a repmgr cluster, as host and port parsed out of repmgr's conninfo.
 * The raw conninfo is never carried: it holds keys (connect_timeout, user, dbname=repmgr) that
 * must not reach pgbouncer.
 */
public record NodeRef(int nodeId, String name, String host, int port) {

    @JsonCreator
    public NodeRef(@JsonProperty("nodeId") int nodeId,
                   @JsonProperty("name") String name,
                   @JsonProperty("host") String host,
                   @JsonProperty("port") int port) {
        this.nodeId = Fields.positive("nodeId", nodeId);
        this.name = Fields.required("name", name);
        this.host = Fields.required("host", host);
        this.port = Fields.port("port", port);
    }

    @Override
    public String toString() {
        return name + "(" + nodeId + ")@" + host + ":" + port;
    }
}
