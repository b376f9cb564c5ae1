package org.pgfence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.process.ExitCode;
import org.pgfence.producer.PromoteCommand;

class FastPathTest {

    @Test
    void repmgrsPromoteCommandLineSkipsPicocli() {
        assertThat(FastPath.of(new String[] {"promote", "--config", "/etc/pgfence/promote.yaml"}, Map.of()))
                .get().isInstanceOf(PromoteCommand.class);
        assertThat(FastPath.of(new String[] {"promote", "--config=/etc/pgfence/promote.yaml"}, Map.of()))
                .get().isInstanceOf(PromoteCommand.class);
    }

    @Test
    void everyOtherShapeGoesThroughPicocli() {
        String[][] others = {
                {}, {"promote"}, {"promote", "--help"}, {"promote", "--config"}, {"promote", "--config="},
                {"promote", "--config", "--help"}, {"promote", "--config", "f.yaml", "--verbose"},
                {"promote", "-c", "f.yaml"}, {"notify", "--config", "f.yaml"}, {"agent", "--config", "f.yaml"},
                {"spool", "flush", "--config", "f.yaml"}};
        for (String[] args : others) {
            assertThat(FastPath.of(args, Map.of())).as(String.join(" ", args)).isEmpty();
        }
    }

    @Test
    void fastPathReportsABadConfigLikePicocliDoes(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("promote.yaml"), "cluster: main\nnoSuchKey: 1\n");
        for (String[] args : new String[][] {{"promote", "--config", bad.toString()},
                {"promote", "--config=" + bad}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = Main.run(args, Map.of(), new PrintStream(new ByteArrayOutputStream(), true),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = err.toString(StandardCharsets.UTF_8);
            assertThat(rc).as(text).isEqualTo(ExitCode.CONFIG.code());
            assertThat(text).startsWith("pgfence: ").contains("noSuchKey").doesNotContain("\tat ");
            assertThat(text.lines().count()).isEqualTo(1);
        }
    }

    @Test
    void aMissingConfigIsAConfigErrorNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing.yaml");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"promote", "--config", missing.toString()}, Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(ExitCode.CONFIG.code());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(missing.toString());
    }
}
