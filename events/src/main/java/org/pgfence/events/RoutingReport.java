package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/**
 * What {@code pgfence render --json} and {@code pgfence apply --json} print on a pgbouncer host: its routing per
 * cluster, the sha-256 of the database ini ({@code configSha256}) and, for a render, the ini itself. The auditor's
 * SSH repair reads it: it is the contract between a host's pgfence and the auditor, versioned like the events.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RoutingReport(int schemaVersion, String host, List<ClusterRouting> clusters, String configSha256,
                            String ini) {
    public static final int SCHEMA_VERSION = 1;

    @JsonCreator
    public RoutingReport(@JsonProperty("schemaVersion") int schemaVersion,
                         @JsonProperty("host") String host,
                         @JsonProperty("clusters") List<ClusterRouting> clusters,
                         @JsonProperty("configSha256") String configSha256,
                         @JsonProperty("ini") String ini) {
        Fields.schema(schemaVersion);
        this.schemaVersion = schemaVersion;
        this.host = Fields.required("host", host);
        this.clusters = Fields.copy(clusters);
        this.configSha256 = configSha256;
        this.ini = ini;
    }

    public Optional<ClusterRouting> cluster(String name) {
        return clusters.stream().filter(c -> c.cluster().equals(name)).findFirst();
    }

    /** Parses a report; an {@link InvalidEventException} names what is wrong. */
    public static RoutingReport fromJson(String json) {
        try {
            return EventJson.mapper().readValue(json, RoutingReport.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            if (e.getCause() instanceof InvalidEventException invalid) {
                throw invalid;
            }
            throw new InvalidEventException("report", "is not a routing report: " + e.getOriginalMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidEventException("report", "is not a routing report: " + e.getOriginalMessage());
        }
    }

    public String toJson() {
        try {
            return EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a routing report", e);
        }
    }
}
