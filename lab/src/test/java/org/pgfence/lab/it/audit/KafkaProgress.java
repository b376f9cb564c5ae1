package org.pgfence.lab.it.audit;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.pgfence.runtime.kafka.KafkaSettings;

/** Where a consumer group stands against the end of the pgfence topics (to know the auditor has read everything). */
final class KafkaProgress implements AutoCloseable {
    private final Admin admin;
    private final List<String> topics;

    KafkaProgress(KafkaSettings kafka) {
        this.admin = Admin.create(kafka.admin("audit-it-progress"));
        this.topics = List.of(kafka.topics().promotions(), kafka.topics().acks(), kafka.topics().agents());
    }

    /** The end offset of every partition of the pgfence topics, now. */
    Map<TopicPartition, Long> ends() {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read end offsets of " + topics + ": " + e, e);
        }
    }

    /** True when {@code group} has committed at least {@code ends} on every partition. */
    boolean caughtUp(String group, Map<TopicPartition, Long> ends) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                    || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
