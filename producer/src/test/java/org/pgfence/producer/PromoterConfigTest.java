package org.pgfence.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ConfigReader;
import org.pgfence.producer.repmgr.RepmgrConfTest;

class ProducerConfigTest {
    @TempDir
    Path dir;
    Path repmgrConf;

    @BeforeEach
    void repmgrConf() throws IOException {
        repmgrConf = dir.resolve("repmgr.conf");
        Files.writeString(repmgrConf, RepmgrConfTest.LAB_NODE2);
    }

    Map<String, Object> minimal() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("cluster", "lab");
        tree.put("kafka", Map.of("bootstrapServers", "127.0.0.1:9092"));
        tree.put("repmgr", Map.of("config", repmgrConf.toString()));
        return tree;
    }

    PromoterConfig load(Map<String, Object> tree, Map<String, String> env) throws ConfigException {
        return PromoterConfig.from(ConfigReader.of("test", tree, env));
    }

    List<String> problems(Map<String, Object> tree) {
        return catchThrowableOfType(ConfigException.class, () -> load(tree, Map.of())).problems();
    }

    @Test
    void minimalConfigTakesEveryDefault() throws ConfigException {
        PromoterConfig c = load(minimal(), Map.of());
        assertThat(c.cluster()).isEqualTo("lab");
        assertThat(c.host()).isNotBlank();
        assertThat(c.kafka().topics().promotions()).isEqualTo("pgfence.promotions");
        assertThat(c.repmgr().nodeId()).isEqualTo(2);
        assertThat(c.bindir()).isEqualTo(Path.of("/usr/lib/postgresql/15/bin"));
        assertThat(c.promoteCommand()).containsExactly("/usr/lib/postgresql/15/bin/repmgr", "standby", "promote",
                "-f", repmgrConf.toString(), "--log-to-file");
        assertThat(c.promoteTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.publishDeadline()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.publishPrepare()).isTrue();
        assertThat(c.verifyTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.spoolDir()).isEqualTo(Path.of("/var/lib/pgfence/spool"));
        assertThat(c.local().host()).isEqualTo("127.0.0.12");
    }

    @Test
    void everyKeyCanBeSet() throws ConfigException {
        Map<String, Object> tree = minimal();
        tree.put("host", "pg2.example");
        tree.put("kafka", Map.of("bootstrapServers", "k1:9093,k2:9093", "topicPrefix", "prod",
                "properties", Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config", "secret!")));
        tree.put("repmgr", Map.of("config", repmgrConf.toString(), "bindir", "/opt/pg/bin"));
        tree.put("promote", Map.of("timeout", "90s", "command", List.of("/usr/local/bin/promote", "-x")));
        tree.put("publish", Map.of("deadline", "2500ms", "prepare", "false"));
        tree.put("verify", Map.of("timeout", "3s"));
        tree.put("spool", Map.of("dir", dir.resolve("spool").toString()));
        tree.put("local", Map.of("conninfo", "host=10.0.0.2 port=6543 user=pgfence dbname=postgres password=pw"));
        PromoterConfig c = load(tree, Map.of());
        assertThat(c.host()).isEqualTo("pg2.example");
        assertThat(c.kafka().topics().promotions()).isEqualTo("prod.promotions");
        assertThat(c.kafka().clientProperties()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(c.promoteCommand()).containsExactly("/usr/local/bin/promote", "-x");
        assertThat(c.promoteTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.publishDeadline()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.publishPrepare()).isFalse();
        assertThat(c.verifyTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.local().port()).isEqualTo(6543);
        assertThat(c.masked().toString()).doesNotContain("secret!").doesNotContain("pw ").contains("****");
    }

    @Test
    void defaultPromoteCommandFollowsBindir() throws ConfigException {
        Map<String, Object> tree = minimal();
        tree.put("repmgr", Map.of("config", repmgrConf.toString(), "bindir", "/opt/pg/bin"));
        assertThat(load(tree, Map.of()).promoteCommand().get(0)).isEqualTo("/opt/pg/bin/repmgr");
    }

    @Test
    void environmentOverridesAKey() throws ConfigException {
        assertThat(load(minimal(), Map.of("PGFENCE_PUBLISH_DEADLINE", "1s")).publishDeadline())
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void siblingsFollowIsRejected() {
        Map<String, Object> tree = minimal();
        tree.put("promote", Map.of("command", List.of("/usr/lib/postgresql/15/bin/repmgr", "standby", "promote",
                "--siblings-follow")));
        assertThat(problems(tree)).anySatisfy(p -> assertThat(p)
                .contains("promote.command").contains("--siblings-follow").contains("remove it"));
    }

    @Test
    void relativeProgramIsRejected() {
        Map<String, Object> tree = minimal();
        tree.put("promote", Map.of("command", List.of("repmgr", "standby", "promote")));
        assertThat(problems(tree)).anySatisfy(p -> assertThat(p).contains("promote.command").contains("absolute"));
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("kafka", Map.of("topicPrefix", "bad prefix!"));
        tree.put("promote", Map.of("timeout", "soon"));
        tree.put("publish", Map.of("deadline", "10ms"));
        tree.put("verify", Map.of("timeout", "-1s"));
        tree.put("spool", Map.of("dri", "/tmp/x"));
        List<String> problems = problems(tree);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("cluster").contains("required"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("kafka.bootstrapServers"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("kafka.topicPrefix"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("repmgr.config").contains("required"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("'soon'").contains("promote.timeout"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("publish.deadline").contains(">= 100ms"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("verify.timeout"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("Unknown key 'spool.dri'"));
    }

    @Test
    void unreadableOrBrokenRepmgrConfIsNamed() throws IOException {
        Map<String, Object> tree = minimal();
        tree.put("repmgr", Map.of("config", dir.resolve("nope.conf").toString()));
        assertThat(problems(tree)).anySatisfy(p -> assertThat(p).contains("repmgr.config").contains("nope.conf"));
        Path broken = dir.resolve("broken.conf");
        Files.writeString(broken, "node_id=1\nnode_name=a\nconninfo='host=/var/run/postgresql'\n");
        tree.put("repmgr", Map.of("config", broken.toString()));
        assertThat(problems(tree)).anySatisfy(p -> assertThat(p).contains("repmgr.config").contains("Unix socket"));
    }

    @Test
    void badLocalConninfoIsNamed() {
        Map<String, Object> tree = minimal();
        tree.put("local", Map.of("conninfo", "host=h port=x"));
        assertThat(problems(tree)).anySatisfy(p -> assertThat(p).contains("local.conninfo").contains("'port'"));
    }

    @Test
    void yamlFileLoads() throws Exception {
        Path yml = dir.resolve("producer.yml");
        Files.writeString(yml, """
                cluster: lab
                kafka:
                  bootstrapServers: 127.0.0.1:9092
                repmgr:
                  config: %s
                promote:
                  command: [/bin/true]
                """.formatted(repmgrConf));
        assertThat(PromoterConfig.load(yml, Map.of()).promoteCommand()).containsExactly("/bin/true");
    }
}
