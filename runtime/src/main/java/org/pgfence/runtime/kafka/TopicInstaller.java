package org.pgfence.runtime.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.pgfence.events.kafka.Topics;

/**
 * Creates the pgfence topics if they are missing, with the layout the design requires:
 * promotions compacted and retained, agents compacted, acks retained. Acks and agents carry the broker's append
 * time ({@code message.timestamp.type=LogAppendTime}): the auditor times them by one clock, never by the agents'
 * (a host with broken NTP is judged as any other); an existing topic without it is altered. Safe to call
 * concurrently.
 */
public final class TopicInstaller {
    private TopicInstaller() {
    }

    static final String TIMESTAMP_TYPE = "message.timestamp.type";
    static final String LOG_APPEND_TIME = "LogAppendTime";

    /** Sets LogAppendTime on those of {@code topics} (made before 0.2.0) that keep producer times. */
    private static void appendTimes(Admin admin, List<String> topics, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = topics.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<ConfigResource, java.util.Collection<AlterConfigOp>> alter = new java.util.HashMap<>();
        configs.forEach((r, c) -> {
            ConfigEntry e = c.get(TIMESTAMP_TYPE);
            if (e == null || !LOG_APPEND_TIME.equals(e.value())) {
                alter.put(r, List.of(new AlterConfigOp(new ConfigEntry(TIMESTAMP_TYPE, LOG_APPEND_TIME),
                        AlterConfigOp.OpType.SET)));
            }
        });
        if (!alter.isEmpty()) {
            admin.incrementalAlterConfigs(alter).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public static void ensure(KafkaSettings settings, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        Topics t = settings.topics();
        Admin admin = Admin.create(settings.admin("pgfence-topics"));
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            if (!existing.contains(t.promotions())) {
                missing.add(new NewTopic(t.promotions(), 1, (short) -1)
                        .configs(Map.of("cleanup.policy", "compact,delete", "retention.ms", "2592000000")));
            }
            if (!existing.contains(t.acks())) {
                missing.add(new NewTopic(t.acks(), 1, (short) -1)
                        .configs(Map.of("retention.ms", "2592000000", TIMESTAMP_TYPE, LOG_APPEND_TIME)));
            }
            if (!existing.contains(t.agents())) {
                missing.add(new NewTopic(t.agents(), 1, (short) -1)
                        .configs(Map.of("cleanup.policy", "compact", TIMESTAMP_TYPE, LOG_APPEND_TIME)));
            }
            List<String> older = new ArrayList<>();
            for (String topic : List.of(t.acks(), t.agents())) {
                if (existing.contains(topic)) {
                    older.add(topic);
                }
            }
            appendTimes(admin, older, timeout);
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } finally {
            // Admin.close() without a timeout waits for every pending call: an agent whose listTopics timed out
            // hung there for good, before its loop (seen with 30 agents starting at once under load)
            admin.close(timeout);
        }
    }
}
