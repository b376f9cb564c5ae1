package org.pgfence.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {

    @Test
    void everyProblemIsReportedAtOnceWithItsKey() throws Exception {
        ConfigReader r = ConfigReader.of("test", Map.of(
                "interval", "0s", "port", "http", "mode", "sideways", "tpyo", "x",
                "kafka", Map.of("properties", Map.of("ssl.truststore.password", "s3cret"))), Map.of());
        r.requiredString("cluster");
        r.duration("interval", Duration.ofSeconds(30), Duration.ofSeconds(1));
        r.integer("port", 1, 1, 65535);
        r.choice("mode", Thread.State.class, Thread.State.NEW);
        r.section("kafka").stringMap("properties");
        assertThatThrownBy(r::finish).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "Missing value for cluster: it is required",
                        "Invalid value '0s' for interval: must be >= 1s",
                        "Invalid value 'http' for port: must be a whole number",
                        "Invalid value 'sideways' for mode: must be one of [new, runnable, blocked, waiting, timed-waiting, terminated]",
                        "Unknown key 'tpyo'"));
    }

    @Test
    void pathsMustBeAbsolute() throws Exception {
        ConfigReader r = ConfigReader.of("test", Map.of("spool", Map.of("dir", "spool/here", "other", "/var/x")),
                Map.of());
        ConfigReader spool = r.section("spool");
        assertThat(spool.path("other", null)).isEqualTo(Path.of("/var/x"));
        spool.path("dir", Path.of("/default"));
        assertThat(spool.path("missing", Path.of("/default"))).isEqualTo(Path.of("/default"));
        assertThatThrownBy(r::finish).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .containsExactly("Invalid value 'spool/here' for spool.dir: must be an absolute path (pgfence's working"
                        + " directory under repmgrd or systemd is not this file's directory)"));
    }

    @Test
    void environmentOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "kafka:\n  bootstrapServers: file:9092\nclusters:\n  - name: a\n");
        ConfigReader r = ConfigReader.load(file, Map.of("PGFENCE_KAFKA_BOOTSTRAPSERVERS", "env:9092",
                "PGFENCE_CLUSTERS_0_NAME", "b"));
        assertThat(r.section("kafka").string("bootstrapServers", null)).isEqualTo("env:9092");
        assertThat(r.sections("clusters")).singleElement()
                .satisfies(c -> assertThat(c.string("name", null)).isEqualTo("b"));
        r.finish();
    }

    @Test
    void durationsAcceptOperatorAndIsoForms() {
        assertThat(ConfigReader.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigReader.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ConfigReader.parseDuration("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigReader.parseDuration("soon")).isNull();
    }

    @Test
    void unreadableAndBrokenFilesAreNamed(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigReader.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.yaml").hasMessageContaining("no such file");
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "a: [1, 2\nb: c\n");
        assertThatThrownBy(() -> ConfigReader.load(broken, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        Path list = dir.resolve("list.yaml");
        Files.writeString(list, "- a\n- b\n");
        assertThatThrownBy(() -> ConfigReader.load(list, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("top level");
    }

    /** YAML 1.1 scalars read as they always were (Jackson's YAML parser): what an operator's file means must not move. */
    @Test
    void scalarsKeepTheirYamlMeaning(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, """
                a: 1
                a: 3
                list: [x, 2.5, true, null, ~, "7"]
                s:
                  yes: yes
                  exp: 1e3
                  hex: 0x1F
                  octal: 012
                  under: 1_000
                  quoted: "012"
                  empty:
                  dur: 30s
                  text: 'it''s'
                """);
        ConfigReader r = ConfigReader.load(file, Map.of());
        assertThat(r.string("a", null)).as("a repeated key: the last one wins").isEqualTo("3");
        assertThat(r.stringList("list")).containsExactly("x", "2.5", "true", "null", "null", "7");
        ConfigReader s = r.section("s");
        assertThat(s.string("yes", null)).isEqualTo("true");
        assertThat(s.bool("yes", false)).isTrue();
        assertThat(s.string("exp", null)).isEqualTo("1000.0");
        assertThat(s.integer("hex", 0, 0, 100)).isEqualTo(31);
        assertThat(s.integer("octal", 0, 0, 100)).isEqualTo(10);
        assertThat(s.integer("under", 0, 0, 10_000)).isEqualTo(1000);
        assertThat(s.string("quoted", null)).isEqualTo("012");
        assertThat(s.string("empty", "default")).isEqualTo("default");
        assertThat(s.duration("dur", null, Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.string("text", null)).isEqualTo("it's");
        r.finish();
    }

    @Test
    void anEmptyFileIsRefusedAsNotValidYaml(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        assertThatThrownBy(() -> ConfigReader.load(empty, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("empty.yaml").hasMessageContaining("not valid YAML");
    }

    @Test
    void listItemsAreNamedByIndex() throws Exception {
        ConfigReader r = ConfigReader.of("t", Map.of("nodes", List.of(Map.of("port", "x"), "flat")), Map.of());
        r.sections("nodes").forEach(n -> n.integer("port", 5432, 1, 65535));
        assertThatThrownBy(r::finish).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .containsExactlyInAnyOrder("Invalid value 'x' for nodes[0].port: must be a whole number",
                        "Invalid value 'flat' for nodes[1]: must be a mapping"));
    }

    @Test
    void keysOfASectionComeInFileOrderAndReadingThemMarksThemKnown() throws Exception {
        java.util.Map<String, Object> hosts = new java.util.LinkedHashMap<>();
        hosts.put("pgb2", Map.of("address", "b"));
        hosts.put("pgb1", Map.of("address", "a"));
        ConfigReader r = ConfigReader.of("t", Map.of("hosts", hosts), Map.of());
        ConfigReader section = r.section("hosts");
        assertThat(section.keys()).containsExactly("pgb2", "pgb1");
        section.keys().forEach(k -> section.section(k).string("address", null));
        r.finish();
    }
}
