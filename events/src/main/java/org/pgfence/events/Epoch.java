package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The fencing epoch of a cluster: the PostgreSQL timeline of the primary, qualified by the system
 * identifier (timelines of two unrelated clusters are not comparable).
 *
 * <p>The timeline must be read reliably: on a primary {@code substr(pg_walfile_name(pg_current_wal_lsn()),1,8)},
 * on a standby {@code pg_stat_wal_receiver.received_tli}; never {@code pg_control_checkpoint()} alone, which lags.
 * {@link EpochSql} holds those expressions, for everything that reads an epoch.
 */
public record Epoch(int timeline, String systemIdentifier) implements Comparable<Epoch> {

    @JsonCreator
    public Epoch(@JsonProperty("timeline") int timeline,
                 @JsonProperty("systemIdentifier") String systemIdentifier) {
        this.timeline = Fields.positive("epoch.timeline", timeline);
        this.systemIdentifier = Fields.required("epoch.systemIdentifier", systemIdentifier);
    }

    /** Orders by timeline; epochs of different systems are not comparable. */
    @Override
    public int compareTo(Epoch other) {
        if (!systemIdentifier.equals(other.systemIdentifier)) {
            throw new IllegalArgumentException("epochs of different systems are not comparable: "
                    + systemIdentifier + " vs " + other.systemIdentifier);
        }
        return Integer.compare(timeline, other.timeline);
    }

    public boolean isNewerThan(Epoch other) {
        return other == null || compareTo(other) > 0;
    }

    /** The timeline as PostgreSQL prints it in WAL file names (8 hex digits). */
    public String timelineHex() {
        return String.format("%08X", timeline);
    }

    @Override
    public String toString() {
        return "tli " + timeline + "@" + systemIdentifier;
    }
}
