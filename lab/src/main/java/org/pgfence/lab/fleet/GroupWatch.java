package org.pgfence.lab.fleet;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.pgfence.runtime.kafka.KafkaSettings;

/**
 * The group coordinator's view of the fleet, through the admin API: which of the agents' consumer groups are stable
 * with a member that holds a partition of the promotions topic, and how far a group (the auditor's) is behind the end
 * of its topics. Every call is bounded; a broker that does not answer is "nothing known", never a wait.
 */
final class GroupWatch implements AutoCloseable {
    private static final Duration CALL = Duration.ofSeconds(5);
    private final Admin admin;

    GroupWatch(KafkaSettings kafka) {
        Properties p = kafka.admin("pgfence-fleet-groups");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(CALL.toMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(CALL.toMillis()));
        admin = Admin.create(p);
    }

    /** The groups, of {@code groups}, that are stable with a member holding a partition of {@code topic}. */
    Set<String> assigned(Collection<String> groups, String topic) {
        Set<String> out = new HashSet<>();
        Map<String, KafkaFuture<ConsumerGroupDescription>> described = admin.describeConsumerGroups(groups).describedGroups();
        for (Map.Entry<String, KafkaFuture<ConsumerGroupDescription>> e : described.entrySet()) {
            try {
                ConsumerGroupDescription d = e.getValue().get(CALL.toMillis(), TimeUnit.MILLISECONDS);
                if (d.groupState() == GroupState.STABLE && d.members().stream().anyMatch(m -> m.assignment()
                        .topicPartitions().stream().anyMatch(tp -> tp.topic().equals(topic)))) {
                    out.add(e.getKey());
                }
            } catch (ExecutionException | TimeoutException ex) {
                // not known now: not assigned
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return out;
            }
        }
        return out;
    }

    /** Records {@code group} has not committed yet on its partitions (end offset minus committed), or -1 if unknown. */
    long lag(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(CALL.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(CALL.toMillis(), TimeUnit.MILLISECONDS);
            long lag = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> c : committed.entrySet()) {
                if (c.getValue() != null && ends.containsKey(c.getKey())) {
                    lag += Math.max(0, ends.get(c.getKey()).offset() - c.getValue().offset());
                }
            }
            return lag;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        admin.close(CALL);
    }
}
