package org.pgfence.audit.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.audit.AuditCommand;
import picocli.CommandLine;

class StatusCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = AuditCommand.command(Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void anUnreachableStoreExitsFourWithOneLineNamingIt() throws Exception {
        Path config = Files.writeString(dir.resolve("audit.yaml"), """
                kafka:
                  bootstrapServers: 127.0.0.1:9
                store:
                  jdbcUrl: jdbc:postgresql://127.0.0.1:%d/pgfence_audit?password=hidden
                  user: audit
                """.formatted(closedPort()));
        int code = run("status", "--config", config.toString());
        assertThat(code).isEqualTo(4);
        assertThat(err.toString()).startsWith("pgfence: audit store unusable: cannot connect to the audit store")
                .contains("password=****").doesNotContain("hidden");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aNonPositiveLastIsAUsageError() throws Exception {
        Path config = Files.writeString(dir.resolve("audit.yaml"), "kafka: {bootstrapServers: x:1}\nstore: {jdbcUrl: 'jdbc:postgresql://x/y'}\n");
        assertThat(run("status", "--config", config.toString(), "--last", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--last must be between 1 and 10000");
    }

    @Test
    void statusIsASubcommandOfAudit() {
        CommandLine cli = AuditCommand.command(Map.of());
        assertThat(cli.getCommandName()).isEqualTo("audit");
        assertThat(cli.getSubcommands()).containsKey("status");
    }
}
