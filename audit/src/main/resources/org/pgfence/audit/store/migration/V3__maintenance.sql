-- pgfence audit store, version 3: maintenance mode (DESIGN rule 11, pgfence pause/resume).
-- One row per cluster: its latest maintenance-mode record, never replaced by an older one. A row with paused = false
-- records the resume (who, when) until the next pause.
CREATE TABLE maintenance (
    cluster     text        PRIMARY KEY,
    paused      boolean     NOT NULL,
    reason      text,
    operator    text        NOT NULL,
    since       timestamptz NOT NULL,
    event_id    uuid        NOT NULL
);
