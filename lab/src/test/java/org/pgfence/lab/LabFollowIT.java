package org.pgfence.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lab's follow hook when repmgr refuses to follow (issue 14's cause): the old primary crashed with WAL that
 * reached one standby (node3) but not the one promoted (node2), so node3 is past node2's fork point and
 * {@code repmgr standby follow} says "this node cannot attach to follow target node 2". Made deterministic here:
 * node2 is stopped before the last write. The hook must rewind node3 onto node2, as an operator does.
 *
 * <p>And it must never leave the standby stopped (CI stop 24: LabCliIT's node3 silent for 60 s after a failover, its
 * repmgrd able only to report it lost): a follow that fails for another reason (the target not up) leaves node3 as it
 * is, and a rewind whose rejoin fails starts node3 again, so repmgrd's next attempt can make it follow.
 */
@ExtendWith(LabExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS) // measured about 25 s
class LabFollowIT {

    @Test
    void aStandbyPastTheNewPrimarysForkPointIsRewoundOntoItByTheFollowHook(Lab lab) throws Exception {
        lab.nodes().forEach(n -> lab.stopRepmgrd(n.id())); // the test runs the hook itself
        LabNode node1 = lab.node(1);
        LabNode node2 = lab.node(2);
        LabNode node3 = lab.node(3);
        lab.stopNode(2);
        Sql.exec(node1.jdbcUrl("appdb"), "app", "INSERT INTO t(note, via) VALUES ('only node3 gets this', 'test')");
        String lsn = Sql.one(node1.jdbcUrl("postgres"), "postgres", "SELECT pg_current_wal_flush_lsn()");
        awaitReplayed(node3, lsn);
        lab.stopNode(1);

        Exec.Result unreachable = followHook(lab, node3, "2"); // node2 is down: nothing to rewind onto
        assertThat(unreachable.exitCode()).isNotZero();
        assertThat(Files.readString(lab.dir().resolve("failover.log"))).contains("node3 follow failed");
        assertThat(lab.probe(3)).as("node3 left running after a follow that failed for another reason")
                .hasValueSatisfying(p -> assertThat(p.inRecovery()).isTrue());

        lab.startNode(2); // a standby whose primary is gone: its WAL ends before the last write
        lab.promoteByHand(2);

        // a rejoin that fails (node2's metadata does not know node3): node3 must be started again, not left stopped
        Sql.exec(node2.jdbcUrl("repmgr"), "postgres", "CREATE TABLE repmgr.kept_node3 AS SELECT * FROM repmgr.nodes"
                + " WHERE node_id = 3; DELETE FROM repmgr.nodes WHERE node_id = 3");
        Exec.Result rejoinFails = followHook(lab, node3, "2");
        assertThat(rejoinFails.exitCode()).isNotZero();
        assertThat(Files.readString(lab.dir().resolve("failover.log"))).contains("node3 follow refused")
                .contains("node3 rejoin failed");
        assertThat(lab.probe(3)).as("node3 started again after its rejoin failed: " + Files.readString(
                lab.dir().resolve("failover.log"))).hasValueSatisfying(p -> assertThat(p.inRecovery()).isTrue());
        Sql.exec(node2.jdbcUrl("repmgr"), "postgres", "INSERT INTO repmgr.nodes SELECT * FROM repmgr.kept_node3;"
                + " DROP TABLE repmgr.kept_node3");

        Exec.Result follow = followHook(lab, node3, "2");
        String failoverLog = Files.readString(lab.dir().resolve("failover.log"));
        assertThat(failoverLog).as("repmgr refused the plain follow").contains("node3 follow refused");
        assertThat(follow.exitCode()).as(follow.output() + "\n" + failoverLog + "\n"
                + Files.readString(lab.dir().resolve("hooks.log"))).isZero();
        lab.awaitAttached(3, 2, Duration.ofSeconds(30));
        assertThat(lab.probe(3)).hasValueSatisfying(p -> {
            assertThat(p.inRecovery()).isTrue();
            assertThat(p.timeline()).as("node3 streams node2's timeline").isEqualTo(2);
        });
        assertThat(Sql.one(node3.jdbcUrl("appdb"), "app", "SELECT count(*) FROM t WHERE note = 'only node3 gets this'"))
                .as("the write node2 never had is rewound away").isEqualTo("0");
    }

    private static Exec.Result followHook(Lab lab, LabNode node, String upstream) {
        return Exec.asPostgres(Duration.ofSeconds(120), new Hooks(lab.layout()).followScript(node).toString(), upstream);
    }

    private static void awaitReplayed(LabNode standby, String lsn) {
        await(standby.name() + " replayed " + lsn).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> "t".equals(Sql.one(standby.jdbcUrl("postgres"), "postgres",
                        "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn")));
    }
}
