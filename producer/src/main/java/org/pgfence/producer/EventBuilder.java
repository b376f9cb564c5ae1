package org.pgfence.producer;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.pgfence.events.FormerPrimary;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.libpq.Conninfo;
import org.pgfence.libpq.ConninfoException;
import org.pgfence.producer.postgres.LocalPrimary;
import org.pgfence.producer.postgres.NodeRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a verified local primary into a {@code master-promoted} event.
 *
 * <p>New primary: the local node's own repmgr.nodes row (host and port parsed from its conninfo), or
 * repmgr.conf's values if the row is missing or unparseable. Former primary: the node named by repmgr's
 * {@code %p} when given (looked up by id, whatever its type now: after a switchover it is a standby);
 * otherwise the {@code type='primary' AND NOT active} row if there is exactly one. With several such rows
 * (repeated failovers without rejoin) there is no way to tell which was replaced last, so the field is
 * left out rather than guessed; it is informational, agents never route by it.
 */
final class EventBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(EventBuilder.class);
    private final PromoterConfig config;

    EventBuilder(PromoterConfig config) {
        this.config = config;
    }

    MasterPromoted build(Announcement a, LocalPrimary primary, Instant now) {
        return new MasterPromoted(MasterPromoted.SCHEMA_VERSION, UUID.randomUUID(), config.cluster(),
                a.occurredAt() == null ? now : a.occurredAt(), config.host(), a.trigger(), a.repmgrEvent(),
                self(primary), former(a, primary).orElse(null), primary.epoch());
    }

    NodeRef self(LocalPrimary primary) {
        int id = config.repmgr().nodeId();
        Optional<NodeRow> row = primary.node(id);
        if (row.isPresent()) {
            if (!row.get().isActivePrimary()) {
                LOG.warn("repmgr.nodes row of node {} reads type={} active={}, not an active primary",
                        id, row.get().type(), row.get().active());
            }
            try {
                Conninfo c = Conninfo.parse(row.get().conninfo());
                return new NodeRef(id, row.get().name(), c.tcpHost(), c.port());
            } catch (ConninfoException e) {
                LOG.warn("Cannot use the conninfo of node {} in repmgr.nodes ({}); using repmgr.conf's", id,
                        e.getMessage());
            }
        } else {
            LOG.warn("Node {} has no row in repmgr.nodes; using repmgr.conf's name and conninfo", id);
        }
        Conninfo c = config.repmgr().conninfo();
        return new NodeRef(id, config.repmgr().nodeName(), c.tcpHost(), c.port());
    }

    static Optional<FormerPrimary> former(Announcement a, LocalPrimary primary) {
        if (a.formerPrimaryHint().isPresent()) {
            int id = a.formerPrimaryHint().getAsInt();
            Optional<NodeRow> row = primary.node(id);
            if (row.isEmpty()) {
                LOG.warn("Former primary id {} (repmgr %p) has no row in repmgr.nodes; leaving it out", id);
            }
            return row.map(r -> new FormerPrimary(r.nodeId(), r.name()));
        }
        List<NodeRow> inactive = primary.inactivePrimaries();
        if (inactive.size() > 1) {
            LOG.warn("Several inactive primaries in repmgr.nodes ({}); former primary left out",
                    inactive.stream().map(NodeRow::name).toList());
        }
        return inactive.size() == 1
                ? Optional.of(new FormerPrimary(inactive.get(0).nodeId(), inactive.get(0).name()))
                : Optional.empty();
    }
}
