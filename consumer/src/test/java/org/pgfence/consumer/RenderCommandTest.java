package org.pgfence.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RenderCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new RenderCommand(Map.of()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path config() throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, """
                host: node1
                kafka: {bootstrapServers: 127.0.0.1:1}
                clusters:
                  - name: main
                    connectTimeout: 500ms
                    nodes: [{host: 127.0.0.1, port: 1}]
                databases:
                  - {name: appdb-rw, cluster: main, role: rw, dbname: appdb}
                  - {name: appdb-ro, cluster: main, role: ro, dbname: appdb}
                pgbouncer: {databaseIni: %s}
                stateDir: %s
                """.formatted(dir.resolve("db.ini"), dir.resolve("state")));
        return file;
    }

    @Test
    void noReachableNodePrintsTheFailClosedRenderExitsFourAndWritesNothing() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "--config", config().toString());
        assertThat(code).isEqualTo(4);
        assertThat(out.toString()).contains("FENCED CLOSED: no node of cluster main is reachable")
                .contains("appdb-rw = host=/nonexistent/pgfence-fenced-closed port=5432 dbname=appdb")
                .contains("appdb-ro = host=/nonexistent/pgfence-fenced-closed");
        assertThat(dir.resolve("db.ini")).doesNotExist();
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void jsonSaysRwIsFencedClosedAndWhyWithTheIni() throws Exception {
        StringWriter out = new StringWriter();
        int code = run(out, new StringWriter(), "--config", config().toString(), "--json");
        assertThat(code).isEqualTo(4);
        org.pgfence.events.RoutingReport report = org.pgfence.events.RoutingReport.fromJson(out.toString());
        assertThat(report.host()).isEqualTo("node1");
        org.pgfence.events.ClusterRouting main = report.cluster("main").orElseThrow();
        assertThat(main.fencedClosed()).isTrue();
        assertThat(main.epoch()).isNull();
        assertThat(main.reason()).contains("no node of cluster main is reachable");
        assertThat(main.targets()).extracting(t -> t.database() + " " + t.role() + " " + t.state())
                .containsExactly("appdb-rw rw disabled", "appdb-ro ro disabled");
        assertThat(report.ini()).contains("appdb-rw = host=/nonexistent/pgfence-fenced-closed");
        assertThat(report.configSha256()).hasSize(64);
        assertThat(dir.resolve("db.ini")).doesNotExist();
    }

    @Test
    void applyRejectsAFloorThatIsNotOneNamingItAndTouchesNothing() throws Exception {
        for (String[] bad : new String[][] {{"main2@x", "expected CLUSTER=TIMELINE@SYSTEM_IDENTIFIER"},
                {"nope=2@744", "unknown cluster 'nope', configured: [main]"},
                {"main=zero@744", "expected a positive timeline"}, {"main=0@744", "expected a positive timeline"}}) {
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new ApplyCommand(Map.of()));
            cli.setOut(new PrintWriter(new StringWriter(), true));
            cli.setErr(new PrintWriter(err, true));
            assertThat(cli.execute("--config", config().toString(), "--floor", bad[0])).as(bad[0]).isEqualTo(2);
            assertThat(err.toString()).contains("--floor " + bad[0] + ": " + bad[1]);
        }
        assertThat(dir.resolve("db.ini")).doesNotExist();
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void unknownClusterIsAUsageError() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "--config", config().toString(), "--cluster", "nope")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown cluster 'nope', configured: [main]");
        assertThat(out.toString()).isEmpty();
    }
}
