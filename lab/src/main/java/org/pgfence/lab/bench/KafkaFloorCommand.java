package org.pgfence.lab.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.pgfence.process.ExitCode;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.CommandOut;
import org.pgfence.lab.Distribution;
import org.pgfence.runtime.kafka.KafkaSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pgfence kafka-floor}: what kafka-clients alone costs an agent, the floor under #20's goals. Starts
 * {@link KafkaFloorClient} (the agent's Kafka settings, nothing else) in a JVM with the agent's options, lets it settle,
 * measures its idle CPU and RSS over a window, then sends it K records one at a time, each answered by an
 * {@code acks=all} publish and an offset commit as an agent answers a promotion, and measures the CPU each one cost
 * it ({@code /proc/<pid>/stat}, all its threads, 10 ms ticks: read the means) and the round trip.
 */
@Command(name = "kafka-floor", mixinStandardHelpOptions = true, description = {
        "Measure what the Kafka client alone costs an agent (idle CPU and RSS, CPU per promotion) against a running",
        "broker, in a JVM with the agent's options: the floor under the agent's own numbers (BENCHMARKS.md)."})
public final class KafkaFloorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--kafka-bootstrap", required = true, paramLabel = "SERVERS", description = "a running broker (pgfence lab status shows the lab's)")
    String bootstrap;

    @Option(names = "--events", paramLabel = "K", description = "records answered, one at a time (default 30)")
    int events = 30;

    @Option(names = "--interval-ms", paramLabel = "MS", description = "between records (default 3000; an agent sees a promotion rarely)")
    long intervalMs = 3000;

    @Option(names = "--settle-s", paramLabel = "S", description = "after the client is ready, before measuring (default 120)")
    long settleS = 120;

    @Option(names = "--idle-s", paramLabel = "S", description = "the idle measuring window (default 120)")
    long idleS = 120;

    @Override
    public Integer call() throws Exception {
        PrintStream out = CommandOut.of(spec);
        if (events < 1 || intervalMs < 500 || settleS < 0 || idleS < 1) {
            spec.commandLine().getErr().println("pgfence kafka-floor: --events >= 1, --interval-ms >= 500, --settle-s >= 0, --idle-s >= 1");
            return ExitCode.USAGE.code();
        }
        String run = "pgfence-floor-" + System.currentTimeMillis();
        String in = run + ".in";
        String acks = run + ".out";
        KafkaSettings kafka = new KafkaSettings(bootstrap, new Topics(Topics.DEFAULT_PREFIX), Map.of());
        try (Admin admin = Admin.create(kafka.admin("kafka-floor-admin"))) {
            admin.createTopics(List.of(new NewTopic(in, 1, (short) 1), new NewTopic(acks, 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        List<String> argv = new ArrayList<>(Distribution.agentJvm(KafkaFloorClient.class.getName()));
        argv.addAll(List.of(bootstrap, in, acks));
        ProcessBuilder started = new ProcessBuilder(argv).redirectErrorStream(true);
        started.environment().putIfAbsent("MALLOC_ARENA_MAX", "2"); // as every launcher exports it for an agent
        Process client = started.start();
        long pid = client.pid();
        Properties pp = kafka.producer("kafka-floor-driver", Duration.ofSeconds(10));
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        Properties cp = kafka.consumer("kafka-floor-driver", run + "-driver");
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp);
             KafkaConsumer<String, String> answers = new KafkaConsumer<>(cp)) {
            BufferedReader output = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            awaitReady(output, Duration.ofSeconds(90));
            Thread drain = new Thread(() -> output.lines().forEach(line -> { }), "kafka-floor-client-output");
            drain.setDaemon(true); // the Kafka client's own log lines: never let a full pipe stop the client
            drain.start();
            TopicPartition ackPartition = new TopicPartition(acks, 0);
            answers.assign(List.of(ackPartition));
            answers.seekToEnd(List.of(ackPartition));
            answers.position(ackPartition);
            out.printf("kafka-floor: client pid %d ready (%s); settling %d s%n", pid, String.join(" ", argv.subList(1, argv.size() - 6)), settleS);
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(settleS)); // a measuring schedule, not a wait for a condition
            long idle0 = cpuNanos(pid);
            long t0 = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(idleS));
            double idleNsPerNs = (cpuNanos(pid) - idle0) / (double) (System.nanoTime() - t0);
            out.printf("idle: %.3f %% of a core over %d s; RSS %d MB (anon %d, file %d); %d threads%n", idleNsPerNs * 100,
                    idleS, Proc.statusKb(pid, "VmRSS:") / 1024, Proc.statusKb(pid, "RssAnon:") / 1024,
                    Proc.statusKb(pid, "RssFile:") / 1024, Proc.statusKb(pid, "Threads:"));
            List<Long> cpu = new ArrayList<>();
            long rawTotal = 0;
            List<Long> roundTrip = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                long c0 = cpuNanos(pid);
                long s0 = System.nanoTime();
                producer.send(new ProducerRecord<>(in, "k", "{\"event\":" + i + "}")).get(10, TimeUnit.SECONDS);
                if (!awaitAnswer(answers, Duration.ofSeconds(10))) {
                    out.printf("kafka-floor: record %d not answered within 10 s%n", i);
                    return ExitCode.CHECK_FAILED.code();
                }
                long answered = System.nanoTime();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300)); // its commit and what it compiles after
                long raw = cpuNanos(pid) - c0;
                rawTotal += raw;
                long spent = raw - (long) (idleNsPerNs * (System.nanoTime() - s0));
                cpu.add(spent);
                roundTrip.add(answered - s0);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(intervalMs) - (System.nanoTime() - s0));
            }
            Percentiles rtP = Percentiles.of(roundTrip.stream().map(n -> n / 1000).toList());
            double mean = cpu.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
            double laterMean = cpu.size() < 2 ? 0 : cpu.subList(1, cpu.size()).stream().mapToLong(Long::longValue)
                    .average().orElse(0) / 1e6;
            out.printf("per record (%d, one every %d ms): client CPU mean %.2f ms, after the first %.2f ms (first %.2f ms;"
                    + " 10 ms ticks, so read the means); send -> answer seen p50 %.1f ms, max %.1f ms%n", events,
                    intervalMs, mean, laterMean, cpu.get(0) / 1e6, rtP.p50() / 1000.0, rtP.max() / 1000.0);
            out.printf("client CPU over all records, idle not subtracted: %.2f ms (the idle rate is only as good as the"
                    + " settling before it)%n", rawTotal / 1e6);
            out.printf("RSS after: %d MB%n", Proc.statusKb(pid, "VmRSS:") / 1024);
            return ExitCode.OK.code();
        } finally {
            client.destroy();
            client.waitFor(10, TimeUnit.SECONDS);
            try (Admin admin = Admin.create(kafka.admin("kafka-floor-admin"))) {
                admin.deleteTopics(List.of(in, acks)).all().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                out.println("kafka-floor: topics " + in + ", " + acks + " not deleted: " + e);
            }
        }
    }

    private static void awaitReady(BufferedReader r, Duration bound) throws IOException {
        long end = System.nanoTime() + bound.toNanos();
        String line;
        while (System.nanoTime() < end && (line = r.readLine()) != null) {
            if (line.equals("ready")) {
                return;
            }
            if (line.startsWith("failed")) {
                throw new IllegalStateException("kafka-floor client " + line);
            }
        }
        throw new IllegalStateException("kafka-floor client not ready within " + bound.toSeconds() + " s");
    }

    private static boolean awaitAnswer(KafkaConsumer<String, String> answers, Duration bound) {
        long end = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < end) {
            if (!answers.poll(Duration.ofMillis(100)).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * CPU time of process {@code pid} in ns: utime + stime of {@code /proc/<pid>/stat}, which keeps the time of threads
     * that have ended (10 ms ticks). Summing the live threads' schedstat instead lost the time of the JIT's compiler
     * threads, which come and go, and gave negative spans (fresh46).
     */
    static long cpuNanos(long pid) {
        return Proc.cpuTicks(pid) * Proc.TICK_MILLIS * 1_000_000;
    }
}
