package org.pgfence.lab.drill;

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
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.pgfence.events.EpochSql;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.process.Threads;

/**
 * Application load for the drill and the fault campaign: one writer per pgbouncer host inserting continuously
 * through that host's {@code appdb-rw}, each row tagged with the host it went through ({@code t.via}). A writer
 * keeps one session (as a pooled application would) and reconnects after an error, counting it. Every insert that
 * succeeds returns what the server itself says, its timeline (computed by the server from its WAL insert position)
 * and its address; with {@code recording} on, each success is kept with the instant the write began, for the
 * campaign's invariant I1 ({@link #drain()}).
 */
public final class Writers implements AutoCloseable {
    private static final Duration PACE = Duration.ofMillis(20);

    private final List<Writer> writers = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Clock clock;

    public record ClientError(String host, Instant at, String message) {
        /**
         * The errors seen after their host's pgbouncer paused ({@code pausedAt}, by host), with 500 ms of grace: an
         * error within that of the pause may have been on its way before it. Hosts that never paused are left out.
         */
        public static List<ClientError> afterPause(List<ClientError> errors, Map<String, Instant> pausedAt) {
            return errors.stream().filter(e -> pausedAt.containsKey(e.host())
                    && e.at().isAfter(pausedAt.get(e.host()).plusMillis(500))).toList();
        }
    }

    public record Stats(String host, long inserted, long errors) {
    }

    /** A write that succeeded: through {@code host}, begun at {@code began}, landed on {@code server} at {@code timeline}. */
    public record Write(String host, Instant began, int timeline, String server) {
    }

    static final String INSERT = "INSERT INTO t(note, via) VALUES (?, ?) RETURNING "
            + EpochSql.PRIMARY_TIMELINE + ", host(inet_server_addr())";

    private final ConcurrentLinkedQueue<Write> done = new ConcurrentLinkedQueue<>();
    private final boolean recording;
    private final String database;
    private final int socketTimeoutSeconds;

    public Writers(List<LabPgbouncer> pgbouncers, Clock clock) {
        this(pgbouncers, clock, false);
    }

    public Writers(List<LabPgbouncer> pgbouncers, Clock clock, boolean recording) {
        this(pgbouncers, clock, recording, "appdb-rw", 3);
    }

    /**
     * Writers through {@code database} (appdb-rw: session pooling; appdb-tx: transaction pooling, when the configs
     * have it), each query allowed {@code socketTimeoutSeconds} (a client queued behind a PAUSE waits that long).
     */
    public Writers(List<LabPgbouncer> pgbouncers, Clock clock, boolean recording, String database,
                   int socketTimeoutSeconds) {
        this.clock = clock;
        this.recording = recording;
        this.database = database;
        this.socketTimeoutSeconds = socketTimeoutSeconds;
        for (LabPgbouncer p : pgbouncers) {
            Writer w = new Writer(p);
            writers.add(w);
            Threads.start("writer-" + p.host(), w);
        }
    }

    public List<Stats> stats() {
        return writers.stream().map(w -> new Stats(w.pgb.host(), w.inserted.get(), w.errors.get())).toList();
    }

    /** The writes that succeeded since the last call, each returned once ({@code recording} writers only). */
    public List<Write> drain() {
        List<Write> out = new ArrayList<>();
        for (Write w; (w = done.poll()) != null; ) {
            out.add(w);
        }
        return out;
    }

    /** The longest a single write took (connect included) through each pgbouncer: what a client saw as a stall. */
    public Map<String, Duration> longestWrite() {
        Map<String, Duration> out = new java.util.TreeMap<>();
        writers.forEach(w -> out.put(w.pgb.host(), Duration.ofMillis(w.longestMillis.get())));
        return out;
    }

    public long totalErrors() {
        return writers.stream().mapToLong(w -> w.errors.get()).sum();
    }

    public long totalInserted() {
        return writers.stream().mapToLong(w -> w.inserted.get()).sum();
    }

    /** Errors seen by clients between {@code from} and {@code to}. */
    public List<ClientError> errorsBetween(Instant from, Instant to) {
        return writers.stream().flatMap(w -> w.errorLog.stream())
                .filter(e -> !e.at().isBefore(from) && !e.at().isAfter(to)).toList();
    }

    @Override
    public void close() {
        running.set(false);
    }

    private final class Writer implements Runnable {
        final LabPgbouncer pgb;
        final AtomicLong inserted = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong longestMillis = new AtomicLong();
        final ConcurrentLinkedQueue<ClientError> errorLog = new ConcurrentLinkedQueue<>();
        long seq;

        Writer(LabPgbouncer pgb) {
            this.pgb = pgb;
        }

        @Override
        public void run() {
            Connection c = null;
            while (running.get()) {
                Instant began = clock.instant();
                try {
                    if (c == null) {
                        // pgbouncer 1.18 in transaction pooling keeps no prepared statement per client: pgjdbc must
                        // not name any (prepareThreshold=0), as every JDBC application behind it is told
                        c = DriverManager.getConnection(pgb.jdbcUrl(database, "app").replace("socketTimeout=10",
                                "socketTimeout=" + socketTimeoutSeconds) + (database.equals("appdb-rw") ? ""
                                : "&prepareThreshold=0"));
                    }
                    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                        ps.setString(1, pgb.host() + "-" + (++seq));
                        ps.setString(2, pgb.host());
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            if (recording) {
                                done.add(new Write(pgb.host(), began, rs.getInt(1), rs.getString(2)));
                            }
                        }
                    }
                    inserted.incrementAndGet();
                    longestMillis.accumulateAndGet(Duration.between(began, clock.instant()).toMillis(), Math::max);
                } catch (SQLException e) {
                    errors.incrementAndGet();
                    errorLog.add(new ClientError(pgb.host(), clock.instant(), e.getMessage()));
                    close(c);
                    c = null;
                }
                LockSupport.parkNanos(PACE.toNanos()); // pacing of the load, not a wait for a condition
            }
            close(c);
        }

        private void close(Connection c) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // the session is gone either way
                }
            }
        }
    }
}
