package org.pgfence.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shipped alert rules as Prometheus reads them: {@code promtool check rules} (syntax, templates) and
 * {@code promtool test rules} (each alert fires on the series that mean trouble, stays silent on the healthy ones
 * beside them, with the labels and texts an on-call engineer gets). promtool is Debian's, installed when missing.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // includes a first apt-get install of prometheus (~1 min)
class AlertRulesIT {
    static final Path RULES = Path.of("..", "deploy", "prometheus", "alerts.yml").toAbsolutePath().normalize();

    @BeforeAll
    static void promtool() {
        Packages.ensureInstalled(List.of("prometheus"));
    }

    private static Exec.Result promtool(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("promtool"));
        argv.addAll(List.of(args));
        return Exec.run(Duration.ofSeconds(120), argv);
    }

    @Test
    void theRulesLoadAndTheirUnitTestsPass() {
        assertThat(RULES).exists();
        Exec.Result check = promtool("check", "rules", RULES.toString());
        assertThat(check.ok()).as(check.output()).isTrue();
        assertThat(check.output()).contains("SUCCESS: 11 rules found");
        Exec.Result test = promtool("test", "rules", RULES.resolveSibling("alerts.test.yml").toString());
        assertThat(test.ok()).as(test.output()).isTrue();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void aRuleTestThatExpectsTheWrongAlertFails() throws Exception {
        // the rule tests can fail: the same file with one expected label changed must not pass
        Path dir = Files.createTempDirectory("pgfence-alerts");
        Files.copy(RULES, dir.resolve("alerts.yml"));
        Files.writeString(dir.resolve("alerts.test.yml"), Files.readString(RULES.resolveSibling("alerts.test.yml"))
                .replace("exp_labels: {severity: critical, cluster: main}", "exp_labels: {severity: critical, cluster: x}"));
        Exec.Result test = promtool("test", "rules", dir.resolve("alerts.test.yml").toString());
        assertThat(test.ok()).as(test.output()).isFalse();
        assertThat(test.output()).contains("FAILED");
    }
}
