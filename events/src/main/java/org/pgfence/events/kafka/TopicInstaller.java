package org.pgfence.events.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the pgfence topics if they are missing, with the layout the design requires:
 * promotions compacted and retained, agents compacted, acks retained. Safe to call concurrently.
 */
public final class TopicInstaller {
    private TopicInstaller() {
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
                        .configs(Map.of("retention.ms", "2592000000")));
            }
            if (!existing.contains(t.agents())) {
                missing.add(new NewTopic(t.agents(), 1, (short) -1)
                        .configs(Map.of("cleanup.policy", "compact")));
            }
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
