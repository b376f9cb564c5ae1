package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where one pgbouncer database points after an apply. {@code node} is null when the entry is
 * closed ({@code state} "disabled" or "removed").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatabaseTarget(String database, String role, String state, NodeRef node) {

    public static final String ROUTED = "routed";
    public static final String DISABLED = "disabled";
    public static final String REMOVED = "removed";

    @JsonCreator
    public DatabaseTarget(@JsonProperty("database") String database,
                          @JsonProperty("role") String role,
                          @JsonProperty("state") String state,
                          @JsonProperty("node") NodeRef node) {
        this.database = Fields.required("targets.database", database);
        this.role = Fields.required("targets.role", role);
        this.state = Fields.required("targets.state", state);
        this.node = node;
    }

    public static DatabaseTarget routed(String database, String role, NodeRef node) {
        return new DatabaseTarget(database, role, ROUTED, node);
    }
}
