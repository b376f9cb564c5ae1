package org.pgfence.lab.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pgfence.audit.config.AuditConfig;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.config.AgentConfigLoader;
import org.pgfence.process.ConfigException;
import org.pgfence.producer.PromoterConfig;

/** The sample configs we ship load through the real config loaders, with nothing unknown or invalid. */
class SampleConfigsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path CONFIG = ROOT.resolve("deploy/config");

    @Test
    void samplePromoteConfigLoads() throws Exception {
        // promote.yaml names /etc/repmgr.conf, which this machine lacks: point it at the compose node's file.
        PromoterConfig config = PromoterConfig.load(CONFIG.resolve("promote.yaml"),
                Map.of("PGFENCE_REPMGR_CONFIG", CONFIG.resolve("compose/repmgr/node1.conf").toString()));
        assertThat(config.cluster()).isNotBlank();
    }

    @Test
    void sampleAgentConfigLoads() throws Exception {
        AgentConfig config = AgentConfigLoader.load(CONFIG.resolve("agent.yaml"), Map.of());
        assertThat(config.databases()).isNotEmpty();
        assertThat(config.clusters()).isNotEmpty();
    }

    @Test
    void sampleAuditConfigLoads() throws Exception {
        AuditConfig config = AuditConfig.load(CONFIG.resolve("audit.yaml"), Map.of());
        assertThat(config.store().jdbcUrl()).startsWith("jdbc:postgresql:");
    }

    @Test
    void aTypoInASampleIsCaughtByTheLoader() throws Exception {
        Path typo = Files.createTempFile("agent", ".yaml");
        Files.writeString(typo, Files.readString(CONFIG.resolve("agent.yaml")) + "\nreconcileIntervall: 5s\n");
        assertThatThrownBy(() -> AgentConfigLoader.load(typo, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Unknown key 'reconcileIntervall'");
    }
}
