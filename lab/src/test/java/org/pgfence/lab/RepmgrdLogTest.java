package org.pgfence.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepmgrdLogTest {

    /** Lines as repmgr 5.3's repmgrd wrote them in a lab where a failover never came (see Lab#switchover). */
    private static final List<String> STUCK = List.of(
            "[2026-11-26 09:20:23] [INFO] follower node awaiting notification from a candidate node",
            "[2026-11-26 09:20:43] [WARNING] no notification received from new primary after 20 seconds",
            "[2026-11-26 09:20:43] [DETAIL] PQping() returned \"PQPING_NO_RESPONSE\"",
            "server closed the connection unexpectedly",
            "[2026-11-26 09:20:43] [INFO] repmgrd terminating...");

    @Test
    void quotesTheLastWarningWithoutItsTimestampSkippingInfoDetailAndContinuationLines() {
        assertThat(RepmgrdLog.lastWarningOrNotice(STUCK))
                .hasValue("[WARNING] no notification received from new primary after 20 seconds");
    }

    @Test
    void aLogOfInfoLinesOnlyHasNothingToQuote() {
        assertThat(RepmgrdLog.lastWarningOrNotice(List.of("[2026-11-26 09:20:23] [INFO] monitoring connection to upstream node")))
                .isEmpty();
    }

    @Test
    void readsOnlyTheEndOfALongFile(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("repmgrd.log");
        String old = "[2026-11-26 08:00:00] [ERROR] an error from long ago\n";
        String info = "[2026-11-26 09:00:00] [INFO] node \"node2\" (ID: 2) monitoring upstream node \"node1\" (ID: 1)\n";
        Files.writeString(log, old + info.repeat(RepmgrdLog.TAIL_BYTES / info.length() + 1));
        assertThat(RepmgrdLog.lastWarningOrNotice(log)).isEmpty();
        Files.writeString(log, old + info.repeat(3));
        assertThat(RepmgrdLog.lastWarningOrNotice(log)).hasValue("[ERROR] an error from long ago");
    }

    @Test
    void aMissingLogHasNothingToQuote(@TempDir Path dir) {
        assertThat(RepmgrdLog.lastWarningOrNotice(dir.resolve("absent.log"))).isEmpty();
    }

    @Test
    void lastEventsKeepTheSequenceWithTimestampsAndOnlyTheNewest(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("repmgrd.log");
        Files.writeString(log, String.join("\n", STUCK) + "\n");
        assertThat(RepmgrdLog.lastEvents(log, 15)).containsExactly(
                "[2026-11-26 09:20:43] [WARNING] no notification received from new primary after 20 seconds",
                "[2026-11-26 09:20:43] [DETAIL] PQping() returned \"PQPING_NO_RESPONSE\"");
        Files.writeString(log, "[1] [NOTICE] a\n[2] [INFO] b\n[3] [ERROR] c\n[4] [WARNING] d\n");
        assertThat(RepmgrdLog.lastEvents(log, 2)).containsExactly("[3] [ERROR] c", "[4] [WARNING] d");
    }
}
