package org.pgfence.lab.it.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.pgfence.lab.LabNode;

/**
 * A one-way network cut on loopback: {@code iptables -I OUTPUT -o lo -d <node> -p tcp --dport <port>
 * -m owner --gid-owner <group> --suppl-groups -j REJECT}. Only processes with {@code group} among their
 * groups are cut (an agent started with {@code runuser -G group}), only towards that one node of this
 * lab's net; everything else, repmgr's replication and the other agents included, still gets through.
 * REJECT (not DROP) makes the cut immediate and deterministic: each connect is refused at once.
 */
final class CutOff implements AutoCloseable {
    static final String GROUP = "nogroup";
    private final List<String> rule;
    private boolean active;

    private CutOff(List<String> rule) {
        this.rule = rule;
    }

    static CutOff from(String group, LabNode node) {
        CutOff c = new CutOff(List.of("OUTPUT", "-o", "lo", "-d", node.address(), "-p", "tcp", "--dport",
                Integer.toString(node.pgPort()), "-m", "owner", "--gid-owner", group, "--suppl-groups", "-j", "REJECT",
                "--reject-with", "tcp-reset"));
        c.iptables("-I");
        c.active = true;
        return c;
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
        try {
            Process p = new ProcessBuilder(argv).inheritIO().start();
            if (!p.waitFor(Duration.ofSeconds(15).toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("iptables " + op + " failed: " + argv);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot run iptables: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
