package org.pgfence.lab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {
    @Test
    void aPromotePauseThatIsNoPositiveDurationIsRefusedBeforeAnythingStarts() {
        for (String bad : new String[] {"soon", "0s", "-5s"}) {
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new DemoCommand(Map.of("PGFENCE_LAB_DIR", "/nonexistent/never-built")));
            cli.setErr(new PrintWriter(err, true));
            assertThat(cli.execute("--promote-pause", bad)).as(bad).isEqualTo(2);
            assertThat(err.toString()).contains("--promote-pause " + bad + " is not a positive duration")
                    .contains("nothing started");
        }
    }
}
