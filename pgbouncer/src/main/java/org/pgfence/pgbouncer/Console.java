package org.pgfence.pgbouncer;

import java.sql.SQLException;
import java.util.List;

/**
 * What pgfence asks of a pgbouncer admin console: {@link AdminConsole} over the wire. The agent's applier depends on
 * this, so its ordering of RELOAD, DISABLE, KILL and RESUME can be checked on a recording console too.
 */
public interface Console {
    /** Where the console is, for messages. */
    String url();

    List<PoolerDatabase> showDatabases() throws SQLException;

    List<PoolerServer> showServers() throws SQLException;

    /** One admin command ({@code RELOAD}, {@code KILL "db"}, ...). */
    void execute(String command) throws SQLException;

    /**
     * One admin command that may wait ({@code PAUSE "db"} waits for the database's server connections to be released
     * and has no timeout of its own), on a connection of its own whose reads are bounded by {@code timeout}.
     */
    default void execute(String command, java.time.Duration timeout) throws SQLException {
        execute(command);
    }
}
