package org.pgfence.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A one-way network cut on loopback: {@code iptables -I OUTPUT -o lo -d <address> -p tcp --dport <port>
 * -m owner --gid-owner <group> --suppl-groups -j REJECT}. Only processes with {@code group} among their
 * groups are cut (an agent started with {@code runuser -G group}), only towards that one address and port of
 * this lab's net; everything else, repmgr's replication and the other agents included, still gets through.
 * REJECT (not DROP) makes the cut immediate and deterministic: each connect is refused at once.
 */
public final class CutOff implements AutoCloseable {
    public static final String GROUP = "nogroup";
    private final List<String> rule;
    private boolean active;

    private CutOff(List<String> rule) {
        this.rule = rule;
    }

    /** Cuts {@code group} off from {@code node}'s PostgreSQL. */
    public static CutOff from(String group, LabNode node) {
        return from(group, node.address(), node.pgPort());
    }

    /** Cuts {@code group} off from {@code address:port} (a node, a broker). */
    public static CutOff from(String group, String address, int port) {
        CutOff c = new CutOff(List.of("OUTPUT", "-o", "lo", "-d", address, "-p", "tcp", "--dport",
                Integer.toString(port), "-m", "owner", "--gid-owner", group, "--suppl-groups", "-j", "REJECT",
                "--reject-with", "tcp-reset"));
        c.iptables("-I");
        c.active = true;
        return c;
    }

    /**
     * Lifts every owner-matched cut towards an address of {@code net} ({@code 127.0.9} lifts {@code -d 127.0.9.*}):
     * a lab's teardown calls it, so no cut outlives the test or campaign that made it, however that ended.
     */
    public static void liftAll(String net) {
        try {
            Process p = new ProcessBuilder("iptables", "-w", "5", "-S", "OUTPUT").redirectErrorStream(true).start();
            String rules = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return;
            }
            for (String rule : rules.lines().toList()) {
                if (rule.startsWith("-A OUTPUT -d " + net + ".") && rule.contains("--gid-owner")) {
                    List<String> argv = new ArrayList<>(List.of("iptables", "-w", "5", "-D"));
                    argv.addAll(List.of(rule.substring(3).split(" ")));
                    run(argv, "iptables -D");
                }
            }
        } catch (java.io.IOException e) {
            return; // no iptables on this machine: nothing was cut either
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Creates {@code group} if it does not exist yet ({@code groupadd -f}), for agents that are cut one by one. */
    public static void ensureGroup(String group) {
        run(List.of("groupadd", "-f", group), "groupadd " + group);
    }

    @Override
    public synchronized void close() {
        if (active) {
            iptables("-D");
            active = false;
        }
    }

    private void iptables(String op) {
        List<String> argv = new ArrayList<>(List.of("iptables", "-w", "5", op));
        argv.addAll(rule);
        run(argv, "iptables " + op);
    }

    private static void run(List<String> argv, String what) {
        try {
            Process p = new ProcessBuilder(argv).inheritIO().start();
            if (!p.waitFor(Duration.ofSeconds(15).toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed: " + argv);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot run " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
