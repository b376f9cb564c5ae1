package org.pgfence.audit.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and migrates the audit schema: one transaction, serialized across concurrent starters by a
 * transaction-scoped advisory lock, versions recorded in {@code pgfence_schema_version}. Idempotent:
 * a second run finds nothing to do. A store newer than this pgfence is refused.
 */
public final class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    /** Arbitrary but fixed: the advisory lock key of the pgfence audit schema ("pgfence" in ASCII). */
    static final long LOCK_KEY = 0x7067_6665_6e63_65L;

    private final StoreConnector connector;
    private final MigrationCatalog catalog;
    private final Clock clock;

    public SchemaMigrator(StoreConnector connector, MigrationCatalog catalog, Clock clock) {
        this.connector = connector;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Applies what is missing; returns the schema version now in place. */
    public int migrate() {
        try (Connection c = connector.open()) {
            c.setAutoCommit(false);
            try {
                int version = migrate(c);
                c.commit();
                return version;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw StoreException.of("cannot migrate the audit schema at " + connector.describe(), e);
        }
    }

    private int migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            s.execute("CREATE TABLE IF NOT EXISTS pgfence_schema_version (version integer PRIMARY KEY,"
                    + " description text NOT NULL, applied_at timestamptz NOT NULL)");
        }
        int current = currentVersion(c);
        if (current > catalog.latestVersion()) {
            throw new StoreException("the audit store has schema version " + current + " but this pgfence knows only up to "
                    + catalog.latestVersion() + "; upgrade pgfence", StoreException.Kind.OTHER, null);
        }
        for (Migration m : catalog.after(current)) {
            try (Statement s = c.createStatement()) {
                s.execute(m.sql());
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO pgfence_schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                p.setInt(1, m.version());
                p.setString(2, m.description());
                p.setTimestamp(3, Timestamp.from(clock.instant()));
                p.executeUpdate();
            }
            LOG.info("Applied audit schema migration {} ({})", m.version(), m.resource());
        }
        return catalog.latestVersion();
    }

    static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM pgfence_schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
