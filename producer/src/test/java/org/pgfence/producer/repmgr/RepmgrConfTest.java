package org.pgfence.producer.repmgr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.libpq.ConninfoException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


public class RepmgrConfTest {

    public static final String LAB_NODE2 = """
            node_id=2
            node_name='node2'
            conninfo='host=127.0.0.12 port=5432 user=repmgr dbname=repmgr connect_timeout=2'
            data_directory='/tmp/lab/node2/data'
            use_replication_slots=yes   # trailing comment
            # a comment
            promote_command='/tmp/lab/bin/promote.sh 2'
            event_notification_command='/tmp/lab/bin/event.sh 2 n=%n e=%e "t=%t"'
            """;

    @Test
    void labRepmgrConfYieldsIdNameAndConninfo(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("repmgr.conf");
        Files.writeString(file, LAB_NODE2);
        RepmgrConf conf = RepmgrConf.read(file);
        assertThat(conf.nodeId()).isEqualTo(2);
        assertThat(conf.nodeName()).isEqualTo("node2");
        assertThat(conf.conninfo().host()).isEqualTo("127.0.0.12");
        assertThat(conf.conninfo().port()).isEqualTo(5432);
        assertThat(conf.values()).containsEntry("use_replication_slots", "yes")
                .containsEntry("event_notification_command", "/tmp/lab/bin/event.sh 2 n=%n e=%e \"t=%t\"");
    }

    @Test
    void quotesInsideValuesAreUnescaped() {
        RepmgrConf conf = RepmgrConf.parse("t", List.of("node_id = 7", "node_name = 'it''s \\'me\\''",
                "conninfo = 'host=h'  # c"));
        assertThat(conf.nodeName()).isEqualTo("it's 'me'");
        assertThat(conf.nodeId()).isEqualTo(7);
    }

    @Test
    void missingKeysAreNamed() {
        assertThatThrownBy(() -> RepmgrConf.parse("f", List.of("node_name=a", "conninfo='host=h'")))
                .isInstanceOf(ConninfoException.class).hasMessageContaining("'node_id' is missing");
        assertThatThrownBy(() -> RepmgrConf.parse("f", List.of("node_id=1", "conninfo='host=h'")))
                .hasMessageContaining("'node_name' is missing");
        assertThatThrownBy(() -> RepmgrConf.parse("f", List.of("node_id=1", "node_name=a")))
                .hasMessageContaining("'conninfo' is missing");
    }

    @Test
    void badNodeIdAndBadConninfoAreNamed() {
        assertThatThrownBy(() -> RepmgrConf.parse("f", List.of("node_id=two", "node_name=a", "conninfo='host=h'")))
                .hasMessageContaining("'two'").hasMessageContaining("'node_id'");
        assertThatThrownBy(() -> RepmgrConf.parse("f", List.of("node_id=1", "node_name=a", "conninfo='host'")))
                .hasMessageContaining("key 'conninfo'");
    }

    @Test
    void garbageLinesAreRejectedWithTheirLineNumber() {
        assertThatThrownBy(() -> RepmgrConf.parse("f", List.of("node_id=1", "just words")))
                .hasMessageContaining("line 2").hasMessageContaining("key=value");
        assertThatThrownBy(() -> RepmgrConf.parse("f", List.of("node_name='open")))
                .hasMessageContaining("line 1").hasMessageContaining("'node_name'").hasMessageContaining("unterminated");
        assertThatThrownBy(() -> RepmgrConf.parse("f", List.of("node_name='a' b")))
                .hasMessageContaining("unexpected text");
    }
}
