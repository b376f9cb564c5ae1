package org.pgfence.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pgfence.audit.http.AuditMetrics;
import org.pgfence.consumer.http.Metrics;
import org.pgfence.producer.SpoolCommand;
import org.pgfence.runtime.http.ProcessMetrics;

/**
 * The shipped alert rules and Grafana dashboard name only metrics pgfence serves: every {@code pgfence_*},
 * {@code process_*} and {@code jvm_*} name in deploy/prometheus/alerts.yml and deploy/grafana/pgfence.json is a family
 * the agent, the auditor, every daemon's process metrics or {@code pgfence spool flush --textfile} writes (read from
 * their {@code # TYPE} lines). A renamed metric fails here, not silently on a dashboard.
 */
class OperatorViewTest {
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    private static final Pattern NAME = Pattern.compile("\\b((?:pgfence|process|jvm)_[a-z_]+)\\b");

    /** Every family served, and for a histogram or summary also its _bucket, _sum and _count series. */
    static Set<String> served() {
        StringBuilder process = new StringBuilder();
        ProcessMetrics.render(process);
        String all = new Metrics().prometheus() + new AuditMetrics().render() + process
                + SpoolCommand.textfile("main", 0, 0);
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(all);
        while (m.find()) {
            names.add(m.group(1));
            if (m.group(2).equals("histogram") || m.group(2).equals("summary")) {
                names.addAll(List.of(m.group(1) + "_bucket", m.group(1) + "_sum", m.group(1) + "_count"));
            }
        }
        return names;
    }

    static Set<String> named(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void everyAlertNamesAMetricPgfenceServes() throws Exception {
        List<String> exprs = Files.readAllLines(DEPLOY.resolve("prometheus/alerts.yml")).stream()
                .filter(l -> l.strip().startsWith("expr:")).toList();
        assertThat(exprs).hasSize(11);
        Set<String> used = named(String.join("\n", exprs));
        assertThat(used).as("metrics in the alerts' expressions").hasSizeGreaterThan(10);
        assertThat(served()).containsAll(used);
    }

    @Test
    void theDashboardIsValidJsonAndEveryQueryNamesAMetricPgfenceServes() throws Exception {
        JsonNode dash = new ObjectMapper().readTree(DEPLOY.resolve("grafana/pgfence.json").toFile());
        assertThat(dash.path("uid").asText()).isEqualTo("pgfence");
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dash.path("panels")) {
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
        }
        dash.path("templating").path("list").forEach(v -> exprs.add(v.path("query").asText()));
        assertThat(exprs).allSatisfy(e -> assertThat(e).isNotBlank());
        Set<String> used = named(String.join("\n", exprs));
        assertThat(used).hasSizeGreaterThan(12);
        assertThat(served()).containsAll(used);
    }

    @Test
    void aMetricPgfenceDoesNotServeIsCaught() {
        assertThat(served()).doesNotContain("pgfence_agent_fencing_latency_seconds")
                .contains("pgfence_agent_fencing_seconds_bucket", "process_resident_memory_bytes", "pgfence_spool_events");
    }
}
