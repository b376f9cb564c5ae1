package org.pgfence.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.pgfence.process.ExitCode;
import org.pgfence.producer.repmgr.RepmgrEvent;

/** The lab's PostgreSQL 15 nodes under repmgr 5 and repmgrd, set up as repmgr's documentation does. */
final class PostgresCluster {
    private static final Duration PG_CTL = Duration.ofSeconds(90);

    private final LabLayout layout;
    private final Hooks hooks;

    PostgresCluster(LabLayout layout, Hooks hooks) {
        this.layout = layout;
        this.hooks = hooks;
    }

    void initPrimary(LabNode node) {
        initdb(node, "shared_preload_libraries = 'repmgr'\n");
        writeNodeConf(node);
        writeRepmgrConf(node);
        start(node);
        try (Connection c = NodeState.connect(node, "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE USER repmgr SUPERUSER");
            s.execute("ALTER USER repmgr SET search_path TO repmgr, \"$user\", public");
            s.execute("CREATE DATABASE repmgr OWNER repmgr");
            s.execute("CREATE USER app");
            s.execute("CREATE DATABASE appdb OWNER app");
        } catch (SQLException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot create lab roles on " + node.name() + ": " + e.getMessage(), e);
        }
        try (Connection c = NodeState.connect(node, "appdb"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id serial PRIMARY KEY, note text, via text, at timestamptz NOT NULL DEFAULT clock_timestamp())");
            s.execute("ALTER TABLE t OWNER TO app");
        } catch (SQLException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot create appdb.t on " + node.name() + ": " + e.getMessage(), e);
        }
        repmgr(node, "primary", "register").orThrow("repmgr primary register " + node.name());
    }

    /** A plain PostgreSQL (no repmgr) for the audit store: it must not be part of the cluster it audits. */
    void initStore(LabNode node) {
        initdb(node, "");
        writeNodeConf(node);
        start(node);
        try (Connection c = NodeState.connect(node, "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE USER pgfence");
            s.execute("CREATE DATABASE pgfence_audit OWNER pgfence");
        } catch (SQLException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot create the audit store: " + e.getMessage(), e);
        }
    }

    private void initdb(LabNode node, String extraConf) {
        mkdirs(node);
        Exec.asPostgres(PG_CTL, layout.bin("initdb"), "-D", node.dataDir().toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync").orThrow("initdb " + node.name());
        append(node.dataDir().resolve("postgresql.conf"), "\n# pgfence lab\n" + extraConf + """
                wal_level = replica
                max_wal_senders = 10
                max_replication_slots = 10
                hot_standby = on
                wal_log_hints = on
                wal_keep_size = 128MB
                max_connections = 60
                shared_buffers = 32MB
                fsync = off
                logging_collector = off
                log_line_prefix = '%m [%p] %q%u@%d '
                include 'lab-node.conf'
                """);
        write(node.dataDir().resolve("pg_hba.conf"), """
                local all all trust
                host all all 127.0.0.0/8 trust
                local replication all trust
                host replication all 127.0.0.0/8 trust
                """);
    }

    void cloneStandby(LabNode node, LabNode upstream) {
        mkdirs(node);
        writeRepmgrConf(node);
        clone(node, upstream, false);
    }

    /**
     * A fresh copy of {@code upstream} over a stopped node's data directory ({@code standby clone --force}), started
     * and registered again: what an operator does when {@code node rejoin} cannot repair a data directory.
     */
    void recloneStandby(LabNode node, LabNode upstream) {
        stop(node);
        clone(node, upstream, true);
    }

    private void clone(LabNode node, LabNode upstream, boolean force) {
        List<String> argv = new java.util.ArrayList<>(List.of(layout.bin("repmgr"), "-h", upstream.address(), "-p",
                Integer.toString(upstream.pgPort()), "-U", "repmgr", "-d", "repmgr", "-f", node.repmgrConf().toString(),
                "standby", "clone", "--fast-checkpoint"));
        if (force) {
            argv.add("--force");
        }
        Exec.asPostgres(PG_CTL, argv.toArray(String[]::new)).orThrow("repmgr standby clone " + node.name());
        writeNodeConf(node); // the clone copied the upstream's (facts P5)
        start(node);
        // register checks pg_stat_replication at once: on a loaded box the walreceiver may not be attached yet
        awaitAttached(node, upstream, Duration.ofSeconds(60));
        List<String> register = new java.util.ArrayList<>(List.of("standby", "register", "--wait-sync=30"));
        if (force) {
            register.add("--force");
        }
        repmgr(node, register.toArray(String[]::new)).orThrow("repmgr standby register " + node.name());
    }

    static void awaitAttached(LabNode standby, LabNode upstream, Duration timeout) {
        java.time.Instant end = java.time.Clock.systemUTC().instant().plus(timeout);
        while (!attached(standby, upstream)) {
            if (java.time.Clock.systemUTC().instant().isAfter(end)) {
                throw new LabException(ExitCode.ENVIRONMENT, standby.name() + " did not attach to " + upstream.name()
                        + " within " + timeout.toSeconds() + " s (pg_stat_replication)");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    private static boolean attached(LabNode standby, LabNode upstream) {
        try (Connection c = NodeState.connect(upstream, "postgres"); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE application_name = '"
                     + standby.name() + "'")) {
            rs.next();
            return rs.getInt(1) > 0;
        } catch (SQLException e) {
            return false;
        }
    }

    void startRepmgrd(LabNode node) {
        Exec.asPostgres(Duration.ofSeconds(30), layout.bin("repmgrd"), "-f", node.repmgrConf().toString(), "--daemonize")
                .orThrow("repmgrd " + node.name());
    }

    void stopRepmgrd(LabNode node) {
        Daemons.stop(node.repmgrdPidFile(), "repmgrd", Duration.ofSeconds(10));
    }

    void start(LabNode node) {
        Exec.asPostgres(PG_CTL, layout.bin("pg_ctl"), "-D", node.dataDir().toString(), "-l", node.log().toString(),
                "-w", "-t", "60", "start").orThrow("pg_ctl start " + node.name());
    }

    /** A crash: {@code pg_ctl stop -m immediate}. */
    void crash(LabNode node) {
        Exec.asPostgres(PG_CTL, layout.bin("pg_ctl"), "-D", node.dataDir().toString(), "-m", "immediate", "stop");
    }

    void stop(LabNode node) {
        if (!Files.exists(node.dataDir().resolve("postmaster.pid"))) {
            return;
        }
        Exec.Result fast = Exec.asPostgres(Duration.ofSeconds(30), layout.bin("pg_ctl"), "-D", node.dataDir().toString(),
                "-m", "fast", "-w", "-t", "20", "stop");
        if (!fast.ok()) {
            crash(node);
        }
    }

    Exec.Result repmgr(LabNode node, String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = layout.bin("repmgr");
        argv[1] = "-f";
        argv[2] = node.repmgrConf().toString();
        System.arraycopy(args, 0, argv, 3, args.length);
        Exec.Result result = Exec.asPostgres(Duration.ofSeconds(120), argv);
        if (result.ok() || !List.of(args).contains("--log-to-file")) {
            return result;
        }
        // repmgr wrote why into the node's repmgrd log, not on its output: a failure message should say it, and
        // what PostgreSQL said when repmgr started or stopped it (fresh45: a rejoin's "unable to start server", exit 4)
        return new Exec.Result(result.argv(), result.exitCode(), result.output().strip() + "\nrepmgrd log: "
                + RepmgrdLog.lastWarningOrNotice(node.repmgrdLog()).orElse("-") + "\n  "
                + String.join("\n  ", RepmgrdLog.lastEvents(node.repmgrdLog(), 8)) + "\n" + node.name()
                + "'s PostgreSQL log:\n  " + String.join("\n  ", RepmgrdLog.lastLines(node.log(), 12)));
    }

    private void writeNodeConf(LabNode node) {
        write(node.dataDir().resolve("lab-node.conf"), """
                listen_addresses = '%s'
                port = %d
                unix_socket_directories = '%s'
                cluster_name = '%s'
                """.formatted(node.address(), node.pgPort(), node.socketDir(), node.name()));
    }

    private void writeRepmgrConf(LabNode node) {
        write(node.repmgrConf(), """
                node_id=%1$d
                node_name='%2$s'
                conninfo='%3$s'
                data_directory='%4$s'
                pg_bindir='%5$s'
                pg_ctl_options='-l %6$s'
                use_replication_slots=yes
                location='lab'
                priority=100

                log_level=INFO
                log_file='%7$s'
                repmgrd_pid_file='%8$s'

                failover=automatic
                promote_command='%9$s'
                follow_command='%10$s %%n'
                monitor_interval_secs=1
                connection_check_type=ping
                reconnect_attempts=2
                reconnect_interval=1
                primary_notification_timeout=20
                standby_reconnect_timeout=30
                node_rejoin_timeout=30
                promote_check_timeout=20
                promote_check_interval=1

                event_notification_command='%11$s %%n %%e %%s "%%t" "%%d" "%%p" "%%c" "%%a"'
                event_notifications='%13$s'
                ssh_options='-q -F %12$s'
                """.formatted(node.id(), node.name(), node.conninfo(), node.dataDir(), LabLayout.BINDIR, node.log(),
                node.repmgrdLog(), node.repmgrdPidFile(), hooks.promoteScript(node), hooks.followScript(node),
                hooks.eventScript(node), layout.sshConfig(), RepmgrEvent.EVENT_NOTIFICATIONS));
    }

    private void mkdirs(LabNode node) {
        try {
            Files.createDirectories(node.socketDir());
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot create " + node.dir() + ": " + e.getMessage(), e);
        }
        Lab.chownToPostgres(node.dir());
    }

    static void write(Path path, String content) {
        try {
            Files.writeString(path, content);
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot write " + path + ": " + e.getMessage(), e);
        }
        Lab.chownToPostgres(path);
    }

    private static void append(Path path, String content) {
        try {
            Files.writeString(path, content, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new LabException(ExitCode.ENVIRONMENT, "cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}
