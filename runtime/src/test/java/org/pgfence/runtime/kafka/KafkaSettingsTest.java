package org.pgfence.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.events.kafka.EventDeserializer;
import org.pgfence.events.kafka.Topics;

class KafkaSettingsTest {

    @Test
    void safetySettingsCannotBeWeakenedByPassThroughProperties() {
        KafkaSettings s = new KafkaSettings("127.0.0.1:9092", new Topics("pgfence"),
                Map.of("acks", "0", "enable.idempotence", "false", "security.protocol", "SSL"));
        Properties p = s.producer("promote", Duration.ofSeconds(5));
        assertThat(p).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
                .containsEntry("security.protocol", "SSL").containsEntry("max.block.ms", "5000")
                .containsEntry("delivery.timeout.ms", "5000");
    }

    @Test
    void secretsAreMaskedInTheLoggableForm() {
        KafkaSettings s = new KafkaSettings("b:9092", new Topics("x"),
                Map.of("sasl.jaas.config", "user=a password=b", "ssl.truststore.password", "p", "linger.ms", "1"));
        assertThat(s.masked()).containsEntry("properties.sasl.jaas.config", "****")
                .containsEntry("properties.ssl.truststore.password", "****").containsEntry("properties.linger.ms", "1");
    }

    @Test
    void topicNamesAndKeysFollowTheLayout() {
        Topics t = new Topics("pgfence");
        assertThat(t.promotions()).isEqualTo("pgfence.promotions");
        assertThat(t.acks()).isEqualTo("pgfence.acks");
        assertThat(t.agents()).isEqualTo("pgfence.agents");
        assertThat(Topics.ackKey("lab", "pgb1")).isEqualTo("lab/pgb1");
        assertThat(Topics.agentGroup("pgb1")).isEqualTo("pgfence-agent.pgb1");
        assertThatThrownBy(() -> new Topics("bad prefix")).hasMessageContaining("bad prefix");
    }

    @Test
    void poisonRecordsDecodeWithoutThrowing() {
        Decoded d = new EventDeserializer().deserialize("t", "{oops".getBytes());
        assertThat(d.isPoison()).isTrue();
        assertThat(d.rawPreview()).isEqualTo("{oops");
        assertThat(new EventDeserializer().deserialize("t", null).isTombstone()).isTrue();
    }
}
