package org.pgfence.audit.store;

/** The upsert statements of {@link AuditStore}, kept together so their conflict rules read side by side. */
final class Sql {
    private Sql() {
    }

    /** The first announcement of a promotion wins; a later duplicate only fills in a missing former primary. */
    static final String UPSERT_PROMOTION = """
            INSERT INTO promotion (cluster, system_identifier, timeline, first_event_id, new_primary_id,
                new_primary_name, new_primary_host, new_primary_port, former_primary_id, former_primary_name,
                trigger, occurred_at, first_seen_at, expected_hosts)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (cluster, system_identifier, timeline) DO UPDATE
                SET former_primary_id = coalesce(promotion.former_primary_id, EXCLUDED.former_primary_id),
                    former_primary_name = coalesce(promotion.former_primary_name, EXCLUDED.former_primary_name)
            RETURNING id, (xmax = 0) AS inserted
            """;

    static final String INSERT_EVENT = """
            INSERT INTO promotion_event (event_id, promotion_id, source_host, trigger, repmgr_event, occurred_at,
                received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (event_id) DO NOTHING
            """;

    private static final String INSERT_ACK = """
            INSERT INTO ack (ack_id, event_id, promotion_id, cluster, host, agent_id, status, good,
                system_identifier, timeline, targets, config_sha256, timings, completed_at, error, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?)
            """;

    /**
     * An existing ack is replaced only by a better one: good beats not good; then the higher timeline;
     * then, among good acks, the earlier completion (the moment the host was fenced) and, among bad
     * ones, the later (the latest failure). The same ack redelivered changes nothing.
     */
    private static final String KEEP_BEST = """
             DO UPDATE SET ack_id = EXCLUDED.ack_id, event_id = EXCLUDED.event_id, agent_id = EXCLUDED.agent_id,
                status = EXCLUDED.status, good = EXCLUDED.good, system_identifier = EXCLUDED.system_identifier,
                timeline = EXCLUDED.timeline, targets = EXCLUDED.targets, config_sha256 = EXCLUDED.config_sha256,
                timings = EXCLUDED.timings, completed_at = EXCLUDED.completed_at, error = EXCLUDED.error,
                recorded_at = EXCLUDED.recorded_at
            WHERE ack.ack_id <> EXCLUDED.ack_id AND (
                (EXCLUDED.good AND NOT ack.good)
                OR (EXCLUDED.good = ack.good AND coalesce(EXCLUDED.timeline, 0) > coalesce(ack.timeline, 0))
                OR (EXCLUDED.good = ack.good AND coalesce(EXCLUDED.timeline, 0) = coalesce(ack.timeline, 0)
                    AND CASE WHEN ack.good THEN EXCLUDED.completed_at < ack.completed_at
                             ELSE EXCLUDED.completed_at > ack.completed_at END))
            """;

    static final String UPSERT_ACK_LINKED = INSERT_ACK
            + " ON CONFLICT (promotion_id, host) WHERE promotion_id IS NOT NULL" + KEEP_BEST;
    static final String UPSERT_ACK_UNLINKED = INSERT_ACK
            + " ON CONFLICT (event_id, host) WHERE promotion_id IS NULL AND event_id IS NOT NULL" + KEEP_BEST;
    static final String UPSERT_ACK_RECONCILE = INSERT_ACK
            + " ON CONFLICT (cluster, host) WHERE promotion_id IS NULL AND event_id IS NULL" + KEEP_BEST;

    static final String UPSERT_AGENT = """
            INSERT INTO agent (host, agent_id, clusters, databases, version, started_at, last_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (host) DO UPDATE SET agent_id = EXCLUDED.agent_id, clusters = EXCLUDED.clusters,
                databases = EXCLUDED.databases, version = EXCLUDED.version, started_at = EXCLUDED.started_at,
                last_seen = EXCLUDED.last_seen
            WHERE EXCLUDED.last_seen >= agent.last_seen
            """;

    /** What a host routes now, per cluster: the latest heartbeat's word; an older heartbeat never moves it back. */
    static final String UPSERT_ROUTING = """
            INSERT INTO host_routing (host, cluster, agent_id, reported_at, routing)
            VALUES (?, ?, ?, ?, ?::jsonb)
            ON CONFLICT (host, cluster) DO UPDATE SET agent_id = EXCLUDED.agent_id, reported_at = EXCLUDED.reported_at,
                routing = EXCLUDED.routing
            WHERE EXCLUDED.reported_at >= host_routing.reported_at
            """;

    static final String PROMOTION_COLUMNS = """
            id, first_event_id, cluster, system_identifier, timeline, new_primary_id, new_primary_name,
            new_primary_host, new_primary_port, former_primary_id, former_primary_name, trigger, occurred_at,
            first_seen_at, completed_at, expected_hosts
            """;

    /** Acks that can decide or describe a promotion: its own, and any of its hosts at or above its epoch. */
    static final String ACKS_FOR_PROMOTION = """
            SELECT ack_id, event_id, promotion_id, cluster, host, agent_id, status, system_identifier, timeline,
                completed_at, error
            FROM ack
            WHERE cluster = ? AND host = ANY (?)
              AND (promotion_id = ?
                   OR (system_identifier = ? AND timeline >= ?)
                   OR (promotion_id IS NULL AND completed_at >= ?))
            """;
}
