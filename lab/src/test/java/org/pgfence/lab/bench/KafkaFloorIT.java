package org.pgfence.lab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pgfence.cli.Main;
import org.pgfence.lab.TestKafka;

/** {@code pgfence kafka-floor} in miniature, through the real CLI against a real broker: its client answers every record. */
@Timeout(value = 240, unit = TimeUnit.SECONDS) // measured ~15 s; the first lab class of a build also trains the shared archive
class KafkaFloorIT {

    @Test
    void theClientAnswersEveryRecordAndItsCostIsPrinted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int rc = Main.run(new String[] {"kafka-floor", "--kafka-bootstrap", TestKafka.bootstrapServers(), "--events", "3",
                "--interval-ms", "500", "--settle-s", "0", "--idle-s", "1"}, Map.of(), new PrintStream(out, true),
                new PrintStream(err, true));

        String text = out.toString();
        System.out.print(text);
        assertThat(rc).as("pgfence kafka-floor: %s", err).isZero();
        assertThat(text).contains("-Xmn2m").contains("-XX:-UsePerfData") // started with the agent's options
                .containsPattern("idle: \\d+\\.\\d{3} % of a core over 1 s; RSS \\d+ MB");
        // unsettled here (--settle-s 0), the idle rate subtracted per record is noise (fresh46: first -85 ms): the raw
        // total is what must show the client worked
        assertThat(text).containsPattern("per record \\(3, one every 500 ms\\): client CPU mean -?\\d+\\.\\d+ ms");
        Matcher raw = Pattern.compile("client CPU over all records, idle not subtracted: (\\d+\\.\\d+) ms").matcher(text);
        assertThat(raw.find()).as(text).isTrue();
        assertThat(Double.parseDouble(raw.group(1))).as("the client's CPU while answering 3 records").isPositive();
        assertThat(KafkaFloorCommand.cpuNanos(ProcessHandle.current().pid())).isPositive();
    }

    @Test
    void badNumbersAreRefusedNamingEachOption() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"kafka-floor", "--kafka-bootstrap", "127.0.0.1:1", "--events", "0"}, Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true));
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("--events >= 1");
    }
}
