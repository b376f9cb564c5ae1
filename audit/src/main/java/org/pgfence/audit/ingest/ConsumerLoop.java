package org.pgfence.audit.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.pgfence.audit.http.AuditMetrics;
import org.pgfence.audit.store.StoreException;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.events.kafka.Topics;
import org.pgfence.runtime.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the consumer: subscribes to promotions, acks and agents; hands each record
 * to the {@link RecordHandler} in its own try/catch; commits offsets only after the store write.
 *
 * <p>A poison record (undecodable, or one the handler rejects) is logged with topic/partition/offset,
 * counted and skipped. A store that cannot be reached is not the record's fault: the loop seeks back to
 * that record and retries it after a capped backoff, so nothing is lost and nothing is skipped.
 */
public final class ConsumerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Consumer<String, Decoded> consumer;
    private final Topics topics;
    private final RecordHandler handler;
    private final java.util.Set<String> producerTimes = new java.util.HashSet<>();
    private final AuditMetrics metrics;
    private final Duration pollTimeout;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Backoff backoff = new Backoff(Duration.ofMillis(400), MAX_BACKOFF);

    public ConsumerLoop(Consumer<String, Decoded> consumer, Topics topics, RecordHandler handler,
                        AuditMetrics metrics, Duration pollTimeout) {
        this.consumer = consumer;
        this.topics = topics;
        this.handler = handler;
        this.metrics = metrics;
        this.pollTimeout = pollTimeout;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topics.promotions(), topics.acks(), topics.agents()));
            while (stopping.getCount() > 0) {
                try {
                    ConsumerRecords<String, Decoded> records = consumer.poll(pollTimeout);
                    if (!handleAll(records)) {
                        backOff();
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    // e.g. a commit while the broker is down: what was stored stays stored (upserts), a redelivery
                    // is harmless; the loop must outlive the outage, not end the auditor's ingestion for good
                    LOG.warn("Audit consumer: Kafka failed ({}); retrying after a backoff", e.toString());
                    backOff();
                }
            }
        } catch (WakeupException e) {
            if (stopping.getCount() > 0) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("Audit consumer stopped by an unexpected failure", e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } finally {
                stopped.countDown();
            }
        }
    }

    /** Handles a batch partition by partition; false when the store failed and the rest must be retried. */
    private boolean handleAll(ConsumerRecords<String, Decoded> records) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        boolean ok = true;
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, Decoded> r : records.records(tp)) {
                if (!handleOne(r)) {
                    consumer.seek(tp, r.offset());
                    ok = false;
                    break;
                }
                done.put(tp, new OffsetAndMetadata(r.offset() + 1));
            }
        }
        if (!done.isEmpty()) {
            consumer.commitSync(done, Duration.ofSeconds(10));
        }
        if (ok) {
            backoff.reset();
        }
        return ok;
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
    private boolean handleOne(ConsumerRecord<String, Decoded> r) {
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
        } catch (RuntimeException e) {
            poison(r, e.toString());
            return true;
        }
    }

    private void poison(ConsumerRecord<String, Decoded> r, String why) {
        metrics.poisonRecord(r.topic());
        LOG.error("Skipping poison record {}-{}@{} key={}: {}", r.topic(), r.partition(), r.offset(), r.key(), why);
    }

    private void backOff() {
        try {
            stopping.await(backoff.next().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
        }
    }

    /** Asks the loop to stop (any thread): sets the flag and wakes the consumer out of poll. */
    public void shutdown() {
        stopping.countDown();
        consumer.wakeup();
    }

    /** Waits at most {@code timeout} for the loop to finish; true if it did. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
