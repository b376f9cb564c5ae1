package org.pgfence.audit.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One connection to the audit store, shared by the threads of one process and used one operation at a
 * time. A failed operation is rolled back; a connection-level failure drops the connection, so the next
 * operation reconnects.
 */
public final class StoreSession implements AutoCloseable {
    private final StoreConnector connector;
    private Connection connection;

    public StoreSession(StoreConnector connector) {
        this.connector = connector;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction; {@code what} names the operation in a failure. */
    public synchronized <T> T transaction(String what, Work<T> work) {
        Connection c = connection();
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException e) {
            rollback(c);
            StoreException failure = StoreException.of(what, e);
            if (failure.kind() != StoreException.Kind.OTHER) {
                drop();
            }
            throw failure;
        } catch (RuntimeException e) {
            rollback(c);
            throw e;
        }
    }

    private Connection connection() {
        if (connection == null) {
            Connection c = connector.open();
            try {
                c.setAutoCommit(false);
            } catch (SQLException e) {
                closeQuietly(c);
                throw StoreException.of("cannot configure the audit store connection", e);
            }
            connection = c;
        }
        return connection;
    }

    private void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            drop();
        }
    }

    private void drop() {
        closeQuietly(connection);
        connection = null;
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is being thrown away
        }
    }

    @Override
    public synchronized void close() {
        drop();
    }
}
