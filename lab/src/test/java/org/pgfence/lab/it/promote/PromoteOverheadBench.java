package org.pgfence.lab.it.promote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabLayout;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.Sql;
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.runtime.kafka.KafkaSettings;
import org.pgfence.runtime.kafka.TopicInstaller;

/**
 * The time {@code pgfence promote} adds to a bare {@code repmgr standby promote}, JVM start included, on the real lab.
 * Not part of the suite (the name does not end in IT); run it with
 * {@code PGFENCE_LAB_NET=127.0.2 mvn -B -o -q -pl lab -am verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=PromoteOverheadBench -Dfailsafe.failIfNoSpecifiedTests=false} (optionally {@code -Dpgfence.bench.pairs=N}).
 *
 * <p>Fairness: repmgrd is stopped and node3 is down, so node1 and node2 hand the primary back and forth by hand. Each
 * run stops the primary cleanly, times the promotion of the other node from the test JVM (process start to exit, both
 * run as postgres through runuser), then rejoins the old primary as a standby. Both modes run the same wrapper around
 * {@code repmgr standby promote -f <conf> --log-to-file}, which logs when repmgr starts and ends, so the overhead splits
 * into "before repmgr" and "after repmgr". Modes take turns in rotated order so drift in machine load spreads evenly.
 *
 * <p>{@code -Dpgfence.bench.baseline=DIR} adds a third mode: {@code pgfence promote} from an older build's jars in
 * {@code DIR} (e.g. main's {@code lab/target/pgfence/lib}), run as the lab's launcher ran it before class-data
 * sharing, so "before" and "after" are measured side by side under the same load.
 * {@code -Dpgfence.bench.verbose=true} prints each pgfence run's log.
 */
@ExtendWith(LabExtension.class)
class PromoteOverheadBench {

    enum Mode { BARE, PGFENCE, BASELINE }

    private static final String BASELINE_OPTS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xss512k -Xmx128m";

    record Run(Mode mode, int node, long wallMs, long beforeMs, long afterMs) {
    }

    @Test
    void pgfencePromoteOverABareRepmgrStandbyPromote(Lab lab) throws Exception {
        int pairs = Integer.getInteger("pgfence.bench.pairs", 5);
        String prefix = "bench-promote-" + UUID.randomUUID().toString().substring(0, 8);
        DrillConfigs configs = new DrillConfigs(lab, "bench", prefix, Duration.ofSeconds(5), false).write();
        Path wrapper = writeWrapper(lab);
        for (LabNode n : lab.nodes()) {
            ProducerFiles.setCommand(configs.promoteConfig(n.id()), List.of(wrapper.toString(), n.repmgrConf().toString()));
        }
        TopicInstaller.ensure(new KafkaSettings(lab.kafkaBootstrap(), new Topics(prefix), Map.of()), Duration.ofSeconds(60));
        lab.nodes().forEach(n -> lab.stopRepmgrd(n.id()));
        lab.stopNode(3);

        List<Mode> modes = System.getProperty("pgfence.bench.baseline") == null
                ? List.of(Mode.BARE, Mode.PGFENCE) : List.of(Mode.BARE, Mode.PGFENCE, Mode.BASELINE);
        int[] roles = {1, 2};
        for (Mode m : modes) {
            promote(lab, configs, wrapper, m, roles); // warm-up: page cache, first-run effects
        }
        List<Run> runs = new ArrayList<>();
        for (int pass = 0; pass < pairs; pass++) {
            for (int i = 0; i < modes.size(); i++) {
                runs.add(promote(lab, configs, wrapper, modes.get((pass + i) % modes.size()), roles));
            }
        }
        report(runs, modes);
        assertThat(runs).hasSize(modes.size() * pairs).allSatisfy(r -> assertThat(r.wallMs()).isPositive());
    }

    private static Run promote(Lab lab, DrillConfigs configs, Path wrapper, Mode mode, int[] roles) throws Exception {
        int primary = roles[0];
        int standby = roles[1];
        LabNode p = lab.node(primary);
        AsPostgres.Result stop = AsPostgres.run(Duration.ofSeconds(60), LabLayout.BINDIR + "/pg_ctl", "-D",
                p.dataDir().toString(), "-m", "fast", "-w", "stop");
        assertThat(stop.exitCode()).as(stop.output()).isZero();
        Path timing = lab.dir().resolve("bench-timing.log");
        Files.deleteIfExists(timing);
        long t0 = System.currentTimeMillis();
        String config = configs.promoteConfig(standby).toString();
        AsPostgres.Result r = switch (mode) {
            case BARE -> AsPostgres.run(Duration.ofSeconds(120), wrapper.toString(), lab.node(standby).repmgrConf().toString());
            case PGFENCE -> AsPostgres.run(Duration.ofSeconds(120), lab.pgfenceCommand().toString(), "promote", "--config",
                    config);
            case BASELINE -> AsPostgres.run(Duration.ofSeconds(120), baselineArgv(config));
        };
        long t1 = System.currentTimeMillis();
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(lab.probe(standby)).hasValueSatisfying(pr -> assertThat(pr.inRecovery()).isFalse());
        Map<String, Long> marks = marks(timing);
        Run run = new Run(mode, standby, t1 - t0, marks.get("start") - t0, t1 - marks.get("end"));
        System.out.printf("bench promote: %-8s node%d wall %5d ms  before-repmgr %4d ms  after-repmgr %4d ms%n",
                run.mode(), run.node(), run.wallMs(), run.beforeMs(), run.afterMs());
        if (Boolean.getBoolean("pgfence.bench.verbose") && mode != Mode.BARE) {
            System.out.printf("  t0 %s repmgr %s..%s exit %s%n%s", clock(t0), clock(marks.get("start")),
                    clock(marks.get("end")), clock(t1), r.output().indent(2));
        }
        lab.rejoin(primary, standby);
        LabNode s = lab.node(standby);
        await().atMost(Duration.ofSeconds(60)).until(() -> "1".equals(Sql.one(s.jdbcUrl("postgres"), "postgres",
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")));
        roles[0] = standby;
        roles[1] = primary;
        return run;
    }

    private static String[] baselineArgv(String config) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = new ArrayList<>(List.of(java));
        argv.addAll(List.of(BASELINE_OPTS.split(" ")));
        argv.addAll(List.of("-cp", System.getProperty("pgfence.bench.baseline") + "/*", "org.pgfence.cli.Main", "promote",
                "--config", config));
        return argv.toArray(String[]::new);
    }

    private static String clock(long epochMillis) {
        return java.time.LocalTime.ofInstant(java.time.Instant.ofEpochMilli(epochMillis), java.time.ZoneId.systemDefault())
                .toString();
    }

    private static Path writeWrapper(Lab lab) throws Exception {
        Path wrapper = lab.dir().resolve("bin/timed-promote.sh");
        Files.writeString(wrapper, """
                #!/bin/sh
                echo "start $(date +%%s%%3N)" >> %1$s/bench-timing.log
                %2$s/repmgr standby promote -f "$1" --log-to-file
                rc=$?
                echo "end $(date +%%s%%3N)" >> %1$s/bench-timing.log
                exit $rc
                """.formatted(lab.dir(), LabLayout.BINDIR));
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return wrapper;
    }

    private static Map<String, Long> marks(Path timing) throws Exception {
        Map<String, Long> out = new java.util.HashMap<>();
        for (String line : Files.readAllLines(timing)) {
            String[] parts = line.trim().split(" ");
            out.put(parts[0], Long.parseLong(parts[1]));
        }
        return out;
    }

    private static void report(List<Run> runs, List<Mode> modes) {
        long bare = median(runs, Mode.BARE, Run::wallMs);
        System.out.printf("bench promote: %d runs per mode; median wall of a bare repmgr standby promote: %d ms%n",
                runs.size() / modes.size(), bare);
        for (Mode m : modes.subList(1, modes.size())) {
            System.out.printf("bench promote: %-8s median wall %d ms -> overhead %d ms (before repmgr %d ms, after %d ms;"
                            + " bare %d / %d)%n", m, median(runs, m, Run::wallMs), median(runs, m, Run::wallMs) - bare,
                    median(runs, m, Run::beforeMs), median(runs, m, Run::afterMs),
                    median(runs, Mode.BARE, Run::beforeMs), median(runs, Mode.BARE, Run::afterMs));
        }
    }

    private static long median(List<Run> runs, Mode mode, java.util.function.ToLongFunction<Run> metric) {
        long[] v = runs.stream().filter(r -> r.mode() == mode).mapToLong(metric).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : LongStream.of(v[v.length / 2 - 1], v[v.length / 2]).sum() / 2;
    }
}
