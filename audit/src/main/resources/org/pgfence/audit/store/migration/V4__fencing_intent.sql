-- pgfence audit store, version 4: two-phase fencing (DESIGN "Two-phase fencing").
-- Every fencing-started (pgfence switchover; pgfence promote with promote.pause), by event id. Its sender ends it early
-- by publishing it again with an earlier pause_until, which only ever shortens the row's. A promotion's page finds the
-- hold before it here.
CREATE TABLE fencing_intent (
    event_id          uuid        PRIMARY KEY,
    cluster           text        NOT NULL,
    source_host       text        NOT NULL,
    intent            text        NOT NULL,
    candidate_name    text        NOT NULL,
    system_identifier text        NOT NULL,
    timeline          integer     NOT NULL,
    occurred_at       timestamptz NOT NULL,
    pause_until       timestamptz NOT NULL,
    received_at       timestamptz NOT NULL
);
CREATE INDEX fencing_intent_cluster_recent ON fencing_intent (cluster, occurred_at DESC);

-- When each host first acked a fencing-started PAUSED. The ack itself is kept in ack by (event id, host) with no
-- promotion, where a later answer to the same intent (its sender ending it) replaces it: the moment of the pause is
-- kept here, once.
CREATE TABLE fencing_pause (
    event_id  uuid        NOT NULL,
    host      text        NOT NULL,
    paused_at timestamptz NOT NULL,
    PRIMARY KEY (event_id, host)
);
