package org.pgfence.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where every part of a lab lives: addresses, ports and paths, derived from the {@link LabSpec} alone. */
public record LabLayout(LabSpec spec) {
    public static final int PG_PORT = 5432;
    public static final int SSH_PORT = 2222;
    public static final String BINDIR = "/usr/lib/postgresql/15/bin";

    public Path dir() {
        return spec.dir();
    }

    public List<LabNode> nodes() {
        List<LabNode> nodes = new ArrayList<>();
        for (int i = 1; i <= spec.nodes(); i++) {
            nodes.add(new LabNode(i, "node" + i, spec.address(10 + i), PG_PORT, dir().resolve("node" + i)));
        }
        return nodes;
    }

    public LabNode node(int id) {
        if (id < 1 || id > spec.nodes()) {
            throw new IllegalArgumentException("no node" + id + " in a lab of " + spec.nodes() + " nodes");
        }
        return nodes().get(id - 1);
    }

    /** A separate PostgreSQL for the auditor's store, outside the cluster it audits. */
    public LabNode store() {
        return new LabNode(0, "store", spec.address(2), PG_PORT, dir().resolve("store"));
    }

    public List<LabPgbouncer> pgbouncers() {
        List<LabPgbouncer> out = new ArrayList<>();
        for (int i = 1; i <= spec.pgbouncerCount(); i++) {
            boolean onNode = i <= spec.nodes();
            String host = onNode ? "node" + i : "pgb" + i;
            String address = onNode ? spec.address(10 + i) : spec.address(20 + i);
            out.add(new LabPgbouncer(i, host, address, LabPgbouncer.PORT, dir().resolve("pgb" + i)));
        }
        return out;
    }

    public LabPgbouncer pgbouncer(int id) {
        return pgbouncers().get(id - 1);
    }

    /** The address the lab's sshd and Kafka broker use besides the node addresses. */
    public String hubAddress() {
        return spec.address(1);
    }

    /** Every address sshd listens on. */
    public List<String> sshAddresses() {
        return Stream.concat(Stream.of(hubAddress()), pgbouncers().stream().map(LabPgbouncer::address)).distinct().toList();
    }

    public Path sshDir() {
        return dir().resolve("ssh");
    }

    public Path clientKey() {
        return sshDir().resolve("client/id_ed25519");
    }

    public Path knownHosts() {
        return sshDir().resolve("client/known_hosts");
    }

    public Path sshConfig() {
        return sshDir().resolve("ssh_config");
    }

    public Path binDir() {
        return dir().resolve("bin");
    }

    /** The pgfence launcher the postgres user (repmgrd's hooks) can run. */
    public Path pgfenceCommand() {
        return binDir().resolve("pgfence");
    }

    public Path distDir() {
        return dir().resolve("pgfence/lib");
    }

    public Path kafkaDir() {
        return dir().resolve("kafka");
    }

    public Path stateFile() {
        return dir().resolve("lab.properties");
    }

    public String bin(String tool) {
        return BINDIR + "/" + tool;
    }
}
