-- pgfence audit store, version 2: what each host routes now (DESIGN rule 10).
-- One row per (host, cluster): the routing its agent's latest heartbeat reported (ClusterRouting, as sent), never
-- replaced by an older heartbeat. Kept when the agent is deregistered: it is still the last word of that host.
CREATE TABLE host_routing (
    host        text        NOT NULL,
    cluster     text        NOT NULL,
    agent_id    text        NOT NULL,
    reported_at timestamptz NOT NULL,
    routing     jsonb       NOT NULL,
    PRIMARY KEY (host, cluster)
);
