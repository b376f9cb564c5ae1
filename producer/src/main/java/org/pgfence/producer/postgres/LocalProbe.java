package org.pgfence.producer.postgres;

import java.sql.SQLException;
import java.util.Optional;
import org.pgfence.runtime.Deadline;

/** One look at the local node: empty while it is in recovery. {@link LocalNode} asks PostgreSQL. */
@FunctionalInterface
public interface LocalProbe {
    Optional<LocalPrimary> probe(Deadline deadline) throws SQLException;

    /** Gets ready for the first probe in the background (e.g. connects); optional, never blocks. */
    default void connectEarly(Deadline deadline) {
    }
}
