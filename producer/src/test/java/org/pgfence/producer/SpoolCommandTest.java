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
    void theTextfileSaysHowManyEventsWaitWhateverTheFlushsOutcome() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        Path prom = dir.resolve("pgfence_spool.prom");
        Spool spool = new Spool(f.spool);
        spool.write(Events.promoted(Instant.parse("2026-11-25T20:00:00Z"), 2));
        spool.write(Events.promoted(Instant.parse("2026-11-25T20:00:01Z"), 3));
        long before = System.currentTimeMillis() / 1000;
        assertThat(f.run(new SpoolCommand(Map.of()), "flush", "--config", f.config.toString(), "--textfile",
                prom.toString())).as("Kafka unreachable").isEqualTo(4);
        String text = Files.readString(prom);
        assertThat(text).contains("# TYPE pgfence_spool_events gauge\n").containsPattern(
                "\npgfence_spool_events\\{cluster=\"[^\"]+\"\\} 2\n");
        double flushed = Double.parseDouble(text.replaceAll("(?s).*\npgfence_spool_last_flush_timestamp_seconds\\{[^}]*\\} (\\S+)\n.*", "$1"));
        assertThat(flushed).isBetween((double) before, before + 120.0);
        assertThat(dir.resolve(".pgfence_spool.prom.tmp")).as("renamed over the file, not left").doesNotExist();

        for (Path p : spool.pending()) {
            spool.remove(p);
        }
        assertThat(f.run(new SpoolCommand(Map.of()), "flush", "--config", f.config.toString(), "--textfile",
                prom.toString())).isZero();
        assertThat(Files.readString(prom)).containsPattern("\npgfence_spool_events\\{cluster=\"[^\"]+\"\\} 0\n");
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
