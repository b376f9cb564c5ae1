package org.pgfence.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.events.Epoch;
import org.pgfence.events.FormerPrimary;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.Trigger;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ConfigReader;
import org.pgfence.producer.postgres.LocalPrimary;
import org.pgfence.producer.postgres.NodeRow;
import org.pgfence.producer.repmgr.RepmgrConfTest;

class EventBuilderTest {
    static final Epoch TLI2 = new Epoch(2, "7441234567890123456");
    static final NodeRow NODE1_FAILED = new NodeRow(1, "node1", "primary", false, "host=127.0.0.11 port=5432");
    static final NodeRow NODE2 = new NodeRow(2, "node2", "primary", true, "host=127.0.0.12 port=5432 user=repmgr");
    static final NodeRow NODE3 = new NodeRow(3, "node3", "standby", true, "host=127.0.0.13 port=5432");
    static final Announcement FAILOVER = new Announcement(Trigger.REPMGRD_FAILOVER, null, null, OptionalInt.empty());

    @TempDir
    Path dir;

    EventBuilder builder() throws IOException, ConfigException {
        Path conf = dir.resolve("repmgr.conf");
        Files.writeString(conf, RepmgrConfTest.LAB_NODE2);
        return new EventBuilder(PromoterConfig.from(ConfigReader.of("t", Map.of("cluster", "lab", "host", "pg2",
                "kafka", Map.of("bootstrapServers", "127.0.0.1:1"), "repmgr", Map.of("config", conf.toString())),
                Map.of())));
    }

    @Test
    void afterAFailoverTheEventNamesNode2NewAndNode1Former() throws Exception {
        Instant now = Instant.parse("2026-11-25T20:07:15.149Z");
        MasterPromoted e = builder().build(FAILOVER, new LocalPrimary(TLI2, List.of(NODE1_FAILED, NODE2, NODE3)), now);
        assertThat(e.newPrimary()).isEqualTo(new NodeRef(2, "node2", "127.0.0.12", 5432));
        assertThat(e.formerPrimary()).isEqualTo(new FormerPrimary(1, "node1"));
        assertThat(e.epoch()).isEqualTo(TLI2);
        assertThat(e.cluster()).isEqualTo("lab");
        assertThat(e.sourceHost()).isEqualTo("pg2");
        assertThat(e.occurredAt()).isEqualTo(now);
        assertThat(e.trigger()).isEqualTo(Trigger.REPMGRD_FAILOVER);
    }

    @Test
    void repmgrsPercentPWinsAndMayNameAStandby() throws Exception {
        NodeRow demoted = new NodeRow(1, "node1", "standby", true, "host=127.0.0.11");
        Announcement switchover = new Announcement(Trigger.SWITCHOVER, "standby_switchover",
                Instant.parse("2026-11-25T20:07:13Z"), OptionalInt.of(1));
        MasterPromoted e = builder().build(switchover, new LocalPrimary(TLI2, List.of(demoted, NODE2)), Instant.now());
        assertThat(e.formerPrimary()).isEqualTo(new FormerPrimary(1, "node1"));
        assertThat(e.repmgrEvent()).isEqualTo("standby_switchover");
        assertThat(e.occurredAt()).isEqualTo(Instant.parse("2026-11-25T20:07:13Z"));
    }

    @Test
    void severalInactivePrimariesAreNotGuessed() throws Exception {
        NodeRow node3Failed = new NodeRow(3, "node3", "primary", false, "host=127.0.0.13");
        MasterPromoted e = builder().build(FAILOVER, new LocalPrimary(TLI2, List.of(NODE1_FAILED, NODE2, node3Failed)),
                Instant.now());
        assertThat(e.formerPrimary()).isNull();
    }

    @Test
    void unknownPercentPLeavesTheFormerPrimaryOut() throws Exception {
        Announcement a = new Announcement(Trigger.REPMGRD_FAILOVER, "repmgrd_failover_promote", null, OptionalInt.of(9));
        assertThat(builder().build(a, new LocalPrimary(TLI2, List.of(NODE1_FAILED, NODE2)), Instant.now())
                .formerPrimary()).isNull();
    }

    @Test
    void missingOwnRowFallsBackToRepmgrConf() throws Exception {
        MasterPromoted e = builder().build(FAILOVER, new LocalPrimary(TLI2, List.of(NODE1_FAILED)), Instant.now());
        assertThat(e.newPrimary()).isEqualTo(new NodeRef(2, "node2", "127.0.0.12", 5432));
    }
}
