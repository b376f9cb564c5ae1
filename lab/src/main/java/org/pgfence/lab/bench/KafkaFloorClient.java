package org.pgfence.lab.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.pgfence.consumer.agent.Agent;
import org.pgfence.events.kafka.Topics;
import org.pgfence.runtime.kafka.KafkaSettings;

/**
 * The Kafka part of an agent and nothing else, for {@code pgfence kafka-floor}: the agent's consumer settings (its
 * idle settings included) and producer settings, the agent's poll bound, and per record what the agent does with
 * Kafka for a promotion: publish an ack with {@code acks=all} and wait for it, then commit the offset. No decoding,
 * no probes, no pgbouncer: the CPU it needs per record is what kafka-clients alone costs an agent per promotion.
 * Run in its own JVM with the agent's JVM options; prints "ready" once its partition is assigned.
 */
public final class KafkaFloorClient {
    private KafkaFloorClient() {
    }

    public static void main(String[] args) {
        String bootstrap = args[0];
        String in = args[1];
        String out = args[2];
        KafkaSettings kafka = new KafkaSettings(bootstrap, new Topics(Topics.DEFAULT_PREFIX), Map.of());
        Properties c = kafka.consumer("kafka-floor", "kafka-floor-" + ProcessHandle.current().pid());
        c.putAll(Agent.IDLE_SETTINGS);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Properties p = kafka.producer("kafka-floor", Duration.ofSeconds(10));
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c);
             KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            consumer.subscribe(List.of(in));
            boolean ready = false;
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(5));
                if (!ready && !consumer.assignment().isEmpty()) {
                    System.out.println("ready");
                    ready = true;
                }
                for (ConsumerRecord<String, String> r : records) {
                    producer.send(new ProducerRecord<>(out, r.key(), "{\"ack\":" + r.value() + "}")).get();
                }
                if (!records.isEmpty()) {
                    consumer.commitSync(Duration.ofSeconds(10));
                }
            }
        } catch (Exception e) {
            System.out.println("failed: " + e);
            System.exit(1);
        }
    }
}
