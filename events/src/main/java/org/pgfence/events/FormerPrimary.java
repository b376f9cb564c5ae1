package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The primary a promotion replaced: the {@code type='primary' AND NOT active} row of repmgr.nodes. */
public record FormerPrimary(int nodeId, String name) {

    @JsonCreator
    public FormerPrimary(@JsonProperty("nodeId") int nodeId, @JsonProperty("name") String name) {
        this.nodeId = Fields.positive("formerPrimary.nodeId", nodeId);
        this.name = Fields.required("formerPrimary.name", name);
    }
}
