package org.pgfence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.process.ExitCode;
import org.pgfence.producer.NotifyCommand;
import org.pgfence.producer.PromoteCommand;
import picocli.CommandLine;

class FastPathTest {
    private static final PrintWriter ERR = new PrintWriter(new StringWriter(), true);

    /** repmgr's event_notification_command as the README configures it, with what repmgr substitutes. */
    private static final String[][] REPMGR_NOTIFY = {
            {"notify", "--config", "/etc/pgfence/promote.yaml", "--node-id", "2", "--event", "standby_promote",
                    "--success", "1", "--timestamp", "2026-11-25 20:07:15.149773+00", "--details",
                    "server \"node2\" (ID: 2) was successfully promoted to primary", "--primary", ""},
            {"notify", "--config", "/etc/pgfence/promote.yaml", "--node-id", "3", "--event", "repmgrd_failover_promote",
                    "--success", "1", "--timestamp", "2026-11-25 20:07:13+0000", "--details", "", "--primary", "1"},
            {"notify", "--event", "node_rejoin", "--config", "/etc/pgfence/promote.yaml", "--success", "0",
                    "--details", "-- a value that starts with dashes --", "--node-id", "1"},
            {"notify", "--config", "/etc/pgfence/promote.yaml", "--event", "standby_switchover"}};

    @Test
    void repmgrsNotifyCommandLinesParseExactlyAsPicocliParsesThem() {
        for (String[] args : REPMGR_NOTIFY) {
            NotifyCommand viaPicocli = new NotifyCommand(Map.of());
            new CommandLine(viaPicocli).parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
            assertThat(FastPath.of(args, Map.of(), ERR)).as(String.join(" ", args)).get()
                    .isInstanceOf(NotifyCommand.class)
                    .extracting(c -> ((NotifyCommand) c).arguments()).isEqualTo(viaPicocli.arguments());
        }
    }

    @Test
    void aBadPlaceholderOnTheFastPathIsStillAOneLineUsageError(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("promote.yaml"), "cluster: main\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"notify", "--config", config.toString(), "--node-id", "2", "--event",
                "standby_promote", "--success", "1", "--timestamp", "yesterday"}, Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(text).isEqualTo(ExitCode.USAGE.code());
        assertThat(text).startsWith("pgfence notify: ").contains("--timestamp").contains("yesterday");
        assertThat(text.lines().count()).isEqualTo(1);
    }

    @Test
    void repmgrsPromoteCommandLineSkipsPicocli() {
        assertThat(FastPath.of(new String[] {"promote", "--config", "/etc/pgfence/promote.yaml"}, Map.of(), ERR))
                .get().isInstanceOf(PromoteCommand.class);
        assertThat(FastPath.of(new String[] {"promote", "--config=/etc/pgfence/promote.yaml"}, Map.of(), ERR))
                .get().isInstanceOf(PromoteCommand.class);
    }

    @Test
    void everyOtherShapeGoesThroughPicocli() {
        String[][] others = {
                {}, {"promote"}, {"promote", "--help"}, {"promote", "--config"}, {"promote", "--config="},
                {"promote", "--config", "--help"}, {"promote", "--config", "f.yaml", "--verbose"},
                {"promote", "-c", "f.yaml"}, {"notify", "--config", "f.yaml"}, {"agent", "--config", "f.yaml"},
                {"spool", "flush", "--config", "f.yaml"}, {"notify", "--event", "standby_promote"},
                {"notify", "--config", "f.yaml", "--event"}, {"notify", "--config", "f.yaml", "--event", "e", "--event", "e"},
                {"notify", "--config=f.yaml", "--event", "e"}, {"notify", "--config", "f.yaml", "--event", "e", "--extra", "x"},
                {"notify", "--config", "f.yaml", "--event", "e", "--details", "--primary"},
                {"notify", "--config", "f.yaml", "--event", "--help"}, {"notify", "--help"}};
        for (String[] args : others) {
            assertThat(FastPath.of(args, Map.of(), ERR)).as(String.join(" ", args)).isEmpty();
        }
    }

    @Test
    void onTheFastPathABadConfigStillRunsThePromotionItNamesAndReturnsItsCode(@TempDir Path dir) throws Exception {
        // DESIGN rule 8: promote never blocks the failover; the config's problems are logged, not a refusal
        Path bad = Files.writeString(dir.resolve("promote.yaml"),
                "cluster: main\nnoSuchKey: 1\npromote: {command: [/bin/sh, -c, 'touch " + dir.resolve("ran") + "; exit 9']}\n");
        for (String[] args : new String[][] {{"promote", "--config", bad.toString()},
                {"promote", "--config=" + bad}}) {
            int rc = Main.run(args, Map.of(), new PrintStream(new ByteArrayOutputStream(), true),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThat(rc).as(String.join(" ", args)).isEqualTo(9);
            assertThat(dir.resolve("ran")).exists();
            Files.delete(dir.resolve("ran"));
        }
    }
}
