package org.pgfence.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lab's switchover when a standby replays late (CI stop 25's FaultFlappingIT: after the second of three
 * switchovers, node1's repmgrd kept watching node2 while node3 was primary, for the whole minute).
 * <p>
 * repmgrd takes its upstream from the node's own record, read on its local PostgreSQL (repmgrd-physical.c 5.3.3,
 * monitor_streaming_standby), and never reads it again while that upstream answers. The switchover writes the new
 * upstream on the new primary; a standby that has not replayed that write yet when its repmgrd is restarted hands
 * repmgrd the old upstream. Made deterministic here with {@code recovery_min_apply_delay} on the sibling.
 */
@ExtendWith(LabExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS) // measured about 20 s
class LabSwitchoverIT {

    @Test
    void aSiblingThatReplaysLateStillEndsWatchingTheNewPrimary(Lab lab) throws Exception {
        LabNode node3 = lab.node(3);
        Sql.exec(node3.jdbcUrl("postgres"), "postgres", "ALTER SYSTEM SET recovery_min_apply_delay = '4s'");
        Sql.exec(node3.jdbcUrl("postgres"), "postgres", "SELECT pg_reload_conf()");

        lab.switchover(2); // waits for repmgrd to watch node2 everywhere, or throws naming who does not

        assertThat(RepmgrdProbe.of(node3)).as("node3's repmgrd").hasValueSatisfying(r ->
                assertThat(r.watches(2, 2)).as("%s", r).isTrue());
        assertThat(Sql.one(node3.jdbcUrl("repmgr"), "repmgr", "SELECT upstream_node_id FROM repmgr.nodes WHERE node_id = 3"))
                .as("node3's own record, as its repmgrd read it").isEqualTo("2");

        Sql.exec(node3.jdbcUrl("postgres"), "postgres", "ALTER SYSTEM RESET recovery_min_apply_delay");
        Sql.exec(node3.jdbcUrl("postgres"), "postgres", "SELECT pg_reload_conf()");
        lab.switchover(1);
        assertThat(lab.currentPrimary()).hasValue(lab.node(1));
    }
}
