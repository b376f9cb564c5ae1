package org.pgfence.audit.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.pgfence.audit.http.AuditMetrics;
import org.pgfence.audit.store.StoreException;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.events.kafka.Topics;
import org.pgfence.runtime.Backoff;
import org.pgfence.runtime.kafka.PollLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auditor's consumer loop, a {@link PollLoop} (the agent's shape too): its thread owns the consumer, subscribed
 * to promotions, acks and agents; each record goes to the {@link RecordHandler}, and its offset is committed only
 * after the store write.
 *
 * <p>A poison record (undecodable, or one the handler rejects) is logged with topic/partition/offset, counted and
 * skipped. A store that cannot be reached is not the record's fault: the loop rewinds to that record and pauses
 * consumption for a capped backoff, then handles it again, so nothing is lost and nothing is skipped.
 */
public final class ConsumerLoop implements Runnable, PollLoop.Body<Decoded> {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Topics topics;
    private final RecordHandler handler;
    private final java.util.Set<String> producerTimes = new java.util.HashSet<>();
    private final AuditMetrics metrics;
    private final PollLoop<Decoded> loop;

    public ConsumerLoop(Consumer<String, Decoded> consumer, Topics topics, RecordHandler handler,
                        AuditMetrics metrics, Duration pollTimeout) {
        this.topics = topics;
        this.handler = handler;
        this.metrics = metrics;
        this.loop = new PollLoop<>("audit consumer", consumer, List.of(topics.promotions(), topics.acks(),
                topics.agents()), this, Clock.systemUTC(), pollTimeout, new Backoff(Duration.ofMillis(400), MAX_BACKOFF),
                Duration.ofSeconds(10));
    }

    @Override
    public void run() {
        loop.run();
    }

    @Override
    public Duration beforePoll(Duration maxPoll) {
        return maxPoll;
    }

    /** The broker's append time of {@code r}; null (said once per topic) when its topic keeps producer times. */
    private Instant appendedAt(ConsumerRecord<String, Decoded> r) {
        if (r.timestampType() == TimestampType.LOG_APPEND_TIME) {
            return Instant.ofEpochMilli(r.timestamp());
        }
        if (!r.topic().equals(topics.promotions()) && producerTimes.add(r.topic())) {
            LOG.warn("Topic {} keeps producer times: acks and heartbeats are timed by the agents' own clocks. Set"
                    + " message.timestamp.type=LogAppendTime on it (pgfence agents 0.2+ do at start)", r.topic());
        }
        return null;
    }

    /** True when the record is done with (stored or skipped as poison); false when it must be retried. */
    @Override
    public boolean handle(ConsumerRecord<String, Decoded> r) {
        Decoded d = r.value();
        if (d != null && d.isPoison()) {
            poison(r, d.error().getMessage() + " [" + d.rawPreview() + "]");
            return true;
        }
        try {
            handler.handle(r.topic(), r.key(), d == null ? null : d.event(), appendedAt(r));
            return true;
        } catch (StoreException e) {
            if (e.kind() == StoreException.Kind.OTHER) {
                poison(r, e.getMessage());
                return true;
            }
            LOG.warn("Audit store unavailable while handling {}-{}@{}; will retry: {}", r.topic(), r.partition(),
                    r.offset(), e.getMessage());
            return false;
        } // anything else the handler throws: the loop logs the record's coordinates and skips it (skipped())
    }

    private void poison(ConsumerRecord<String, Decoded> r, String why) {
        metrics.poisonRecord(r.topic());
        LOG.error("Skipping poison record {}-{}@{} key={}: {}", r.topic(), r.partition(), r.offset(), r.key(), why);
    }

    @Override
    public void skipped(ConsumerRecord<String, Decoded> r, RuntimeException cause) {
        metrics.poisonRecord(r.topic());
    }

    /** Asks the loop to stop (any thread): sets the flag and wakes the consumer out of poll. */
    public void shutdown() {
        loop.shutdown();
    }

    /** How many partitions the consumer had after its last poll (any thread: for /health). */
    public int assignedPartitions() {
        return loop.assignedPartitions();
    }

    /** Waits at most {@code timeout} for the loop to finish; true if it did. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return loop.awaitStopped(timeout);
    }
}
