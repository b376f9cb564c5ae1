package org.pgfence.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.producer.spool.Spool;

class SpoolCommandTest {
    @TempDir
    Path dir;

    @Test
    void emptySpoolFlushesToExitZero() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        assertThat(f.run(new SpoolCommand(Map.of()), "flush", "--config", f.config.toString())).isZero();
    }

    @Test
    void unreachableKafkaExitsFourAndKeepsTheEvent() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        Spool spool = new Spool(f.spool);
        spool.write(Events.promoted(Instant.parse("2026-11-25T20:00:00Z"), 2));
        assertThat(f.run(new SpoolCommand(Map.of()), "flush", "--config", f.config.toString())).isEqualTo(4);
        assertThat(spool.pending()).hasSize(1);
    }

    @Test
    void corruptFileAloneIsMovedAsideAndTheSpoolCountsAsEmpty() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        Files.createDirectories(f.spool);
        Path corrupt = f.spool.resolve("1-5f0c2a9e-6d1b-4c52-9a51-0d6f7b1e2c3a.json");
        Files.writeString(corrupt, "garbage");
        assertThat(f.run(new SpoolCommand(Map.of()), "flush", "--config", f.config.toString())).isZero();
        assertThat(corrupt.resolveSibling(corrupt.getFileName() + ".bad")).exists();
    }

    @Test
    void missingSubcommandIsAUsageError() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        assertThat(f.run(new SpoolCommand(Map.of()))).isEqualTo(2);
    }
}
