package org.pgfence.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The scripts repmgrd runs: {@code bin/promote-nodeN.sh}, {@code bin/follow-nodeN.sh} and
 * {@code bin/event-nodeN.sh}. repmgr.conf names them once; changing a hook rewrites the scripts only,
 * so repmgrd need not restart. Each logs epoch-millisecond timestamps to failover.log / events.log. Like a production
 * node (README, "Wiring it into repmgr.conf"), the lab's repmgr.conf sets {@code event_notifications} to the events
 * that announce a promotion, so the event hook runs for those only, and the hook runs its command in the background,
 * because repmgr waits for the hook.
 *
 * <p>A promote template may use {@code {node}}, {@code {conf}}, {@code {lab}}, {@code {pgfence}} and
 * {@code {bindir}}; an event template may also use {@code "$1"}..{@code "$8"} = %n %e %s %t %d %p %c %a.
 */
public final class Hooks {
    public static final String DEFAULT_PROMOTE = "{bindir}/repmgr standby promote -f {conf} --log-to-file";
    public static final String NO_EVENT_HANDLER = "true";

    private final LabLayout layout;

    Hooks(LabLayout layout) {
        this.layout = layout;
    }

    void write(String promoteTemplate, String eventTemplate) {
        for (LabNode node : layout.nodes()) {
            writeScript(promoteScript(node), """
                    #!/bin/bash
                    log=%1$s/failover.log
                    echo "$(date +%%s%%3N) $(date +%%T.%%3N) node%2$d promote_command START" >> "$log"
                    env > %1$s/promote_command.env
                    %3$s >> %1$s/hooks.log 2>&1
                    rc=$?
                    echo "$(date +%%s%%3N) $(date +%%T.%%3N) node%2$d promote_command END rc=$rc" >> "$log"
                    exit $rc
                    """.formatted(layout.dir(), node.id(), expand(promoteTemplate, node)));
            writeScript(followScript(node), """
                    #!/bin/bash
                    log=%1$s/failover.log
                    echo "$(date +%%s%%3N) $(date +%%T.%%3N) node%2$d follow_command START upstream=$1" >> "$log"
                    said=$(stat -c %%s %7$s 2>/dev/null || echo 0)
                    %3$s/repmgr standby follow -f %4$s --log-to-file --upstream-node-id="$1" >> %1$s/hooks.log 2>&1
                    rc=$?
                    # repmgr refuses a standby that received WAL past the new primary's fork point (the old primary
                    # crashed with a record in flight, and this node got more of it): it must be rewound onto the new
                    # primary, as an operator does after "this node cannot attach to follow target". Any other failure
                    # (the new primary not reachable yet, say) leaves the node as it is: repmgrd runs this hook again.
                    if [ $rc -ne 0 ] && tail -c +$((said + 1)) %7$s | grep -q -e "cannot attach" -e "ahead of"; then
                        case "$1" in
                    %5$s
                        esac
                        echo "$(date +%%s%%3N) $(date +%%T.%%3N) node%2$d follow refused (rc=$rc): node rejoin --force-rewind" >> "$log"
                        %3$s/pg_ctl -D %6$s -m fast -w -t 30 stop >> %1$s/hooks.log 2>&1
                        # pg_rewind reads a live source's timeline from its control file: a just-promoted primary has
                        # the new one there only after its first checkpoint (pg_rewind's documentation; fresh45)
                        %3$s/psql -X -q -d "$upstream" -c CHECKPOINT >> %1$s/hooks.log 2>&1
                        %3$s/repmgr node rejoin -f %4$s -d "$upstream" --force-rewind --config-files=lab-node.conf --log-to-file >> %1$s/hooks.log 2>&1
                        rc=$?
                        if [ $rc -ne 0 ] && ! %3$s/pg_ctl -D %6$s status > /dev/null 2>&1; then
                            # never leave the standby stopped: repmgrd makes a running standby follow on its next
                            # attempt, a stopped one it only reports lost (CI stop 24, LabCliIT: node3 silent for 60 s)
                            echo "$(date +%%s%%3N) $(date +%%T.%%3N) node%2$d rejoin failed (rc=$rc): starting it again" >> "$log"
                            %3$s/pg_ctl -D %6$s -w -t 30 -l %8$s start >> %1$s/hooks.log 2>&1
                        fi
                    elif [ $rc -ne 0 ]; then
                        echo "$(date +%%s%%3N) $(date +%%T.%%3N) node%2$d follow failed (rc=$rc), node left as it is" >> "$log"
                    fi
                    echo "$(date +%%s%%3N) $(date +%%T.%%3N) node%2$d follow_command END rc=$rc" >> "$log"
                    exit $rc
                    """.formatted(layout.dir(), node.id(), LabLayout.BINDIR, node.repmgrConf(), upstreams(),
                    node.dataDir(), node.repmgrdLog(), node.log()));
            writeScript(eventScript(node), """
                    #!/bin/bash
                    echo "$(date +%%s%%3N) node%2$d n=$1 e=$2 s=$3 t=$4 d=$5 p=$6 c=$7 a=$8" >> %1$s/events.log
                    # in the background, as README tells production: repmgr waits for this script
                    %3$s >> %1$s/hooks.log 2>&1 &
                    exit 0
                    """.formatted(layout.dir(), node.id(), expand(eventTemplate, node)));
        }
    }

    /** The case arms that name each node's conninfo by its id (the follow hook gets the upstream's id). */
    private String upstreams() {
        StringBuilder b = new StringBuilder();
        for (LabNode n : layout.nodes()) {
            b.append("        ").append(n.id()).append(") upstream='").append(n.conninfo()).append("' ;;\n");
        }
        return b.toString().stripTrailing();
    }

    Path promoteScript(LabNode node) {
        return layout.binDir().resolve("promote-" + node.name() + ".sh");
    }

    Path followScript(LabNode node) {
        return layout.binDir().resolve("follow-" + node.name() + ".sh");
    }

    Path eventScript(LabNode node) {
        return layout.binDir().resolve("event-" + node.name() + ".sh");
    }

    String expand(String template, LabNode node) {
        return template.replace("{node}", Integer.toString(node.id()))
                .replace("{conf}", node.repmgrConf().toString())
                .replace("{lab}", layout.dir().toString())
                .replace("{pgfence}", layout.pgfenceCommand().toString())
                .replace("{bindir}", LabLayout.BINDIR);
    }

    static void writeScript(Path path, String content) {
        try {
            Files.createDirectories(path.getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            Files.writeString(tmp, content);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LabException(org.pgfence.process.ExitCode.ENVIRONMENT, "cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}
