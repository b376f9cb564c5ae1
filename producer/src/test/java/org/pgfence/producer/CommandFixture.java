package org.pgfence.producer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.pgfence.producer.repmgr.RepmgrConfTest;
import picocli.CommandLine;

/** A producer config on disk with an unreachable Kafka (127.0.0.1:1) and an unreachable database (port 1). */
final class CommandFixture {
    final Path dir;
    final Path config;
    final Path spool;
    final StringWriter err = new StringWriter();

    CommandFixture(Path dir, List<String> promoteCommand) throws IOException {
        this.dir = dir;
        Path repmgrConf = dir.resolve("repmgr.conf");
        Files.writeString(repmgrConf, RepmgrConfTest.LAB_NODE2);
        this.spool = dir.resolve("spool");
        this.config = dir.resolve("producer.yml");
        Files.writeString(config, """
                cluster: lab
                host: pg2
                kafka:
                  bootstrapServers: 127.0.0.1:1
                repmgr:
                  config: %s
                promote:
                  command: [%s]
                  timeout: 10s
                publish:
                  deadline: 1s
                verify:
                  timeout: 1s
                spool:
                  dir: %s
                local:
                  conninfo: host=127.0.0.1 port=1 user=repmgr dbname=repmgr connect_timeout=1
                """.formatted(repmgrConf, String.join(", ", promoteCommand.stream()
                .map(a -> "'" + a + "'").toList()), spool));
    }

    int run(Object command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    Map<String, String> env() {
        return Map.of();
    }
}
