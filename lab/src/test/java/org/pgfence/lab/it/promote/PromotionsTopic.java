package org.pgfence.lab.it.promote;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.pgfence.events.EventJson;
import org.pgfence.events.MasterPromoted;

/** Everything on a promotions topic, read from the beginning by a fresh consumer group, as raw JSON and as events. */
final class PromotionsTopic {
    record Record(String json, MasterPromoted event) {
    }

    private PromotionsTopic() {
    }

    /** Every record up to the end offsets the topic has now. */
    static List<Record> readAll(String bootstrap, String topic, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "promote-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        List<Record> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
            c.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(timeout);
            while (!reached(c, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("did not read " + topic + " to its end " + end + " within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String json = new String(r.value(), StandardCharsets.UTF_8);
                    out.add(new Record(json, EventJson.fromBytes(r.value(), MasterPromoted.class)));
                }
            }
        }
        return out;
    }

    private static boolean reached(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> end) {
        if (!c.assignment().containsAll(end.keySet())) {
            return false;
        }
        return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
    }

    /** How many records carry each event id. */
    static Map<UUID, Long> countsById(List<Record> records) {
        return records.stream().collect(Collectors.groupingBy(r -> r.event().eventId(), Collectors.counting()));
    }
}
