package org.pgfence.lab;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * What lab to build.
 *
 * @param net              the first three octets of the loopback addresses ({@code 127.0.0} puts node1 on
 *                         127.0.0.11); separate labs on one machine use separate nets
 * @param dir              the runtime directory (outside any checkout); removed by {@code down}
 * @param nodes            PostgreSQL nodes (node1 primary, the rest standbys), at most 9
 * @param extraPgbouncers  pgbouncer hosts beyond the one on each node, at {@code <net>.21}.. (for the benchmark)
 * @param kafka            where the broker runs
 * @param kafkaBootstrap   for {@link KafkaMode#EXTERNAL}: the bootstrap servers to use
 */
public record LabSpec(String net, Path dir, int nodes, int extraPgbouncers, KafkaMode kafka, String kafkaBootstrap) {
    private static final Pattern NET = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}");
    public static final String DEFAULT_NET = "127.0.0";

    public enum KafkaMode {
        /** A broker JVM started by the lab (the CLI and the demo). */
        PROCESS,
        /** A broker the caller provides (tests pass theirs). */
        EXTERNAL,
        /** No broker at all. */
        NONE
    }

    public LabSpec {
        if (net == null || !NET.matcher(net).matches()) {
            throw new IllegalArgumentException("Invalid lab net '" + net + "': must be 127.x.y (loopback only)");
        }
        if (nodes < 2 || nodes > 9) {
            throw new IllegalArgumentException("Invalid lab nodes '" + nodes + "': must be 2..9");
        }
        if (extraPgbouncers < 0 || extraPgbouncers > 200) {
            throw new IllegalArgumentException("Invalid lab extraPgbouncers '" + extraPgbouncers + "': must be 0..200");
        }
        if (kafka == KafkaMode.EXTERNAL && (kafkaBootstrap == null || kafkaBootstrap.isBlank())) {
            throw new IllegalArgumentException("Invalid lab kafka: EXTERNAL needs kafkaBootstrap");
        }
    }

    /** The CLI's lab: {@code $PGFENCE_LAB_NET} (default 127.0.0), dir {@code /tmp/pgfence-lab[-net]}. */
    public static LabSpec defaults(java.util.Map<String, String> env) {
        String net = env.getOrDefault("PGFENCE_LAB_NET", DEFAULT_NET);
        String suffix = DEFAULT_NET.equals(net) ? "" : "-" + net;
        Path dir = Path.of(env.getOrDefault("PGFENCE_LAB_DIR", System.getProperty("java.io.tmpdir") + "/pgfence-lab" + suffix));
        return new LabSpec(net, dir, 3, 0, KafkaMode.PROCESS, null);
    }

    public LabSpec withDir(Path newDir) {
        return new LabSpec(net, newDir, nodes, extraPgbouncers, kafka, kafkaBootstrap);
    }

    public LabSpec withExternalKafka(String bootstrap) {
        return new LabSpec(net, dir, nodes, extraPgbouncers, KafkaMode.EXTERNAL, bootstrap);
    }

    public LabSpec withExtraPgbouncers(int extra) {
        return new LabSpec(net, dir, nodes, extra, kafka, kafkaBootstrap);
    }

    public String address(int lastOctet) {
        return net + "." + lastOctet;
    }

    /** Every pgbouncer host: one per node, then the extra ones. */
    public int pgbouncerCount() {
        return nodes + extraPgbouncers;
    }
}
