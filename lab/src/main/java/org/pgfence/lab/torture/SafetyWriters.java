package org.pgfence.lab.torture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.pgfence.lab.LabPgbouncer;

/**
 * One writer per pgbouncer host, inserting through its {@code appdb-rw} as an application would (one session,
 * reconnect after an error). Every insert that succeeds returns what the server itself says: its timeline, computed
 * by the server from its WAL insert position, and its address. Each success is kept with the instant the write
 * began, for the invariant I1.
 */
final class SafetyWriters implements AutoCloseable {
    private static final Duration PACE = Duration.ofMillis(50);
    static final String INSERT = "INSERT INTO t(note, via) VALUES (?, ?) RETURNING"
            + " ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int, host(inet_server_addr())";

    /** A write that succeeded: through {@code host}, begun at {@code began}, landed on {@code server} at {@code timeline}. */
    record Write(String host, Instant began, int timeline, String server) {
    }

    private final ConcurrentLinkedQueue<Write> done = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong errors = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final Clock clock;

    SafetyWriters(List<LabPgbouncer> pgbouncers, Clock clock) {
        this.clock = clock;
        for (LabPgbouncer p : pgbouncers) {
            Thread t = new Thread(() -> write(p), "torture-writer-" + p.host());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    /** The writes that succeeded since the last call (each returned once). */
    List<Write> drain() {
        List<Write> out = new ArrayList<>();
        for (Write w; (w = done.poll()) != null; ) {
            out.add(w);
        }
        return out;
    }

    long errors() {
        return errors.get();
    }

    private void write(LabPgbouncer pgb) {
        Connection c = null;
        long seq = 0;
        while (running.get()) {
            Instant began = clock.instant();
            try {
                if (c == null) {
                    c = DriverManager.getConnection(pgb.jdbcUrl("appdb-rw", "app").replace("socketTimeout=10",
                            "socketTimeout=3"));
                }
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    ps.setString(1, "torture-" + pgb.host() + "-" + (++seq));
                    ps.setString(2, pgb.host());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        done.add(new Write(pgb.host(), began, rs.getInt(1), rs.getString(2)));
                    }
                }
            } catch (SQLException e) {
                errors.incrementAndGet();
                close(c);
                c = null;
            }
            LockSupport.parkNanos(PACE.toNanos()); // pacing of the load, not a wait for a condition
        }
        close(c);
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the session is gone either way
            }
        }
    }

    @Override
    public void close() {
        running.set(false);
    }
}
