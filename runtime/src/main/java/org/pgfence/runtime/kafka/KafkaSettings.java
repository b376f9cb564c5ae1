package org.pgfence.runtime.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.pgfence.events.kafka.EventDeserializer;
import org.pgfence.events.kafka.EventSerializer;
import org.pgfence.events.kafka.Topics;
import org.pgfence.process.ConfigReader;

/**
 * How a pgfence process reaches Kafka: bootstrap servers, topic prefix, and free-form client
 * properties that pass straight through (TLS, SASL). pgfence's own safety settings (acks=all,
 * idempotence, bounded blocking) are applied last and cannot be weakened by the free-form ones.
 */
public record KafkaSettings(String bootstrapServers, Topics topics, Map<String, String> clientProperties) {

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Invalid value for kafka.bootstrapServers: must not be empty");
        }
        clientProperties = Map.copyOf(clientProperties == null ? Map.of() : clientProperties);
    }

    /**
     * The {@code kafka} section every pgfence config has: {@code bootstrapServers} (required), {@code topicPrefix}
     * (default {@value Topics#DEFAULT_PREFIX}) and free-form {@code properties}. Problems are recorded in the reader
     * (its {@code finish()} reports them); the value returned then is a placeholder never used.
     */
    public static KafkaSettings read(ConfigReader k) {
        String bootstrap = k.requiredString("bootstrapServers");
        String prefix = k.string("topicPrefix", Topics.DEFAULT_PREFIX);
        Map<String, String> properties = k.stringMap("properties");
        Topics topics;
        try {
            topics = new Topics(prefix);
        } catch (IllegalArgumentException e) {
            k.invalid("topicPrefix", prefix, "must be letters, digits, '.', '_' or '-' (a Kafka topic name part)");
            topics = new Topics(Topics.DEFAULT_PREFIX);
        }
        return new KafkaSettings(bootstrap == null ? "unset:0" : bootstrap, topics, properties);
    }

    /**
     * A producer whose every blocking step fits in {@code deadline}: metadata and buffer waits
     * ({@code max.block.ms}) and delivery including retries ({@code delivery.timeout.ms}).
     */
    public Properties producer(String clientId, Duration deadline) {
        Properties p = base(clientId);
        long ms = Math.max(deadline.toMillis(), 100);
        long request = Math.max(ms / 2, 50);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(ms));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(request));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(ms, request)));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, EventSerializer.class.getName());
        return p;
    }

    /** A consumer of {@code groupId} that starts at the earliest record and commits by hand. */
    public Properties consumer(String clientId, String groupId) {
        Properties p = base(clientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, EventDeserializer.class.getName());
        return p;
    }

    /** Admin client settings (topic creation). */
    public Properties admin(String clientId) {
        return base(clientId);
    }

    private Properties base(String clientId) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("bootstrap.servers", bootstrapServers);
        p.put("client.id", clientId);
        return p;
    }

    /** The settings as they may be logged: values of keys that look secret are masked. */
    public Map<String, String> masked() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("bootstrapServers", bootstrapServers);
        out.put("topicPrefix", topics.prefix());
        clientProperties.forEach((k, v) -> out.put("properties." + k, isSecret(k) ? "****" : v));
        return out;
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token")
                || k.endsWith(".key");
    }
}
