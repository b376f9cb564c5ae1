-- pgfence audit store, version 1. Applied once, in a transaction, by SchemaMigrator.

CREATE TABLE promotion (
    id                  bigserial PRIMARY KEY,
    cluster             text        NOT NULL,
    system_identifier   text        NOT NULL,
    timeline            integer     NOT NULL,
    first_event_id      uuid        NOT NULL,
    new_primary_id      integer     NOT NULL,
    new_primary_name    text        NOT NULL,
    new_primary_host    text        NOT NULL,
    new_primary_port    integer     NOT NULL,
    former_primary_id   integer,
    former_primary_name text,
    trigger             text        NOT NULL,
    occurred_at         timestamptz NOT NULL,
    first_seen_at       timestamptz NOT NULL,
    completed_at        timestamptz,
    duration_ms         bigint,
    expected_hosts      text[]      NOT NULL DEFAULT '{}',
    CONSTRAINT promotion_identity UNIQUE (cluster, system_identifier, timeline)
);
CREATE INDEX promotion_incomplete ON promotion (occurred_at) WHERE completed_at IS NULL;
CREATE INDEX promotion_cluster_recent ON promotion (cluster, occurred_at DESC);

-- Every event that announced a promotion (promote and notify may both announce one).
CREATE TABLE promotion_event (
    event_id     uuid        PRIMARY KEY,
    promotion_id bigint      NOT NULL REFERENCES promotion (id),
    source_host  text        NOT NULL,
    trigger      text        NOT NULL,
    repmgr_event text,
    occurred_at  timestamptz NOT NULL,
    received_at  timestamptz NOT NULL
);
CREATE INDEX promotion_event_promotion ON promotion_event (promotion_id);

-- Acks. An ack answering a known promotion is unique per (promotion, host); a reconcile ack
-- (no event id) is kept as the latest per (cluster, host); an ack for an event not seen yet is
-- kept per (event id, host) until the promotion arrives and links it.
CREATE TABLE ack (
    id                bigserial   PRIMARY KEY,
    ack_id            uuid        NOT NULL,
    event_id          uuid,
    promotion_id      bigint      REFERENCES promotion (id),
    cluster           text        NOT NULL,
    host              text        NOT NULL,
    agent_id          text        NOT NULL,
    status            text        NOT NULL,
    good              boolean     NOT NULL,
    system_identifier text,
    timeline          integer,
    targets           jsonb       NOT NULL DEFAULT '[]',
    config_sha256     text,
    timings           jsonb       NOT NULL,
    completed_at      timestamptz NOT NULL,
    error             text,
    recorded_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX ack_promotion_host ON ack (promotion_id, host) WHERE promotion_id IS NOT NULL;
CREATE UNIQUE INDEX ack_unlinked_event_host ON ack (event_id, host) WHERE promotion_id IS NULL AND event_id IS NOT NULL;
CREATE UNIQUE INDEX ack_reconcile_cluster_host ON ack (cluster, host) WHERE promotion_id IS NULL AND event_id IS NULL;
CREATE INDEX ack_cluster_epoch ON ack (cluster, system_identifier, timeline) WHERE good;

CREATE TABLE agent (
    host       text        PRIMARY KEY,
    agent_id   text        NOT NULL,
    clusters   text[]      NOT NULL,
    databases  text[]      NOT NULL,
    version    text        NOT NULL,
    started_at timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL
);

-- An expected host that missed the deadline; one row per (promotion, host), so the ERROR is logged once.
CREATE TABLE overdue (
    promotion_id bigint      NOT NULL REFERENCES promotion (id),
    host         text        NOT NULL,
    marked_at    timestamptz NOT NULL,
    PRIMARY KEY (promotion_id, host)
);

-- Every SSH remediation attempt and its outcome.
CREATE TABLE remediation (
    promotion_id bigint      NOT NULL REFERENCES promotion (id),
    host         text        NOT NULL,
    attempt      integer     NOT NULL,
    outcome      text        NOT NULL,
    error        text,
    at           timestamptz NOT NULL,
    PRIMARY KEY (promotion_id, host, attempt)
);
