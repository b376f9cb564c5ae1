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
}
