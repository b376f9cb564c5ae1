package org.pgfence.runtime.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.pgfence.runtime.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one shape of a pgfence consumer loop (the agent's and the auditor's). Its thread owns the consumer, from
 * subscribe to close. Each round: the body's own work ({@link Body#beforePoll}), a poll, then every record in its
 * own try/catch, in order: a record the body is done with is committed after it (so whatever the body publishes or
 * stores for it comes first); a record the body must see again ({@link Body#handle} false: its ack was not
 * published, its store was down) rewinds its partition to it, and every partition not reached yet to its start,
 * and pauses consumption for a capped backoff while the rounds go on. A record the body throws on is logged with
 * its coordinates and skipped: one bad record never stops the loop. A failed round (Kafka down on commit, say) is
 * logged and retried after a capped backoff.
 *
 * <p>{@link #shutdown()} (any thread) sets the flag and wakes the poll; {@link #wakeup()} (any thread, a signal
 * handler too) only wakes it: the body's next {@code beforePoll} runs at once. A wakeup that lands in a commit
 * is spent there: the commit is made again, for abandoning it would hand the batch's records over again.
 *
 * @param <V> the record value type
 */
public final class PollLoop<V> implements Runnable {
    /**
     * How long closing the consumer may take. It leaves the group first (a few ms against a live broker), then closes
     * its fetch session, which waits for the fetch in flight: up to fetch.max.wait.ms, 5 s for the agent. With 5 s
     * here an agent took 5.0 s from SIGTERM to exit in 3 stops of 4 (jstack: Fetcher.maybeCloseFetchSessions), and
     * the suite's labs 3-5 s per class to stop their processes. Every handled record's offset is committed
     * synchronously before its round ends, so nothing is pending at close; the broker expires an unclosed fetch
     * session on its own.
     */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);

    /** What a loop does besides polling, and with each record. Every method runs on the loop's thread. */
    public interface Body<V> {
        /** Once, before the first poll (after subscribe). */
        default void start() throws InterruptedException {
        }

        /** The round's own work before its poll; returns how long the poll may wait at most. */
        Duration beforePoll(Duration maxPoll) throws InterruptedException;

        /** True when the record is done with (commit it), false when it must be handled again later. */
        boolean handle(ConsumerRecord<String, V> record) throws InterruptedException;

        /** A record {@link #handle} threw on, now skipped (count it). */
        default void skipped(ConsumerRecord<String, V> record, RuntimeException cause) {
        }

        /** A round that failed (count it); the loop logs it and goes on after a backoff. */
        default void roundFailed(RuntimeException cause) {
        }
    }

    private final String name;
    private final Consumer<String, V> consumer;
    private final Collection<String> topics;
    private final Body<V> body;
    private final Clock clock;
    private final Duration maxPoll;
    private final Duration commitTimeout;
    private final Backoff retryBackoff;
    private final Backoff failureBackoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Instant resumeAt;
    private volatile int assigned;

    /**
     * @param name         what the log calls this loop ("agent", "audit consumer")
     * @param maxPoll      the longest a poll waits (the body may shorten it)
     * @param retryBackoff the pause after a record the body must see again (doubling while it fails)
     * @param commitTimeout the bound of each offset commit
     */
    public PollLoop(String name, Consumer<String, V> consumer, Collection<String> topics, Body<V> body, Clock clock,
                    Duration maxPoll, Backoff retryBackoff, Duration commitTimeout) {
        this.name = name;
        this.consumer = consumer;
        this.topics = topics;
        this.body = body;
        this.clock = clock;
        this.maxPoll = maxPoll;
        this.retryBackoff = retryBackoff;
        this.commitTimeout = commitTimeout;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(topics);
            body.start();
            while (running()) {
                round();
            }
        } catch (WakeupException e) {
            if (running()) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("{} loop stopped by an unexpected failure", name, e);
            throw e;
        } finally {
            try {
                consumer.close(CLOSE_TIMEOUT);
            } finally {
                stopped.countDown();
                LOG.info("{} loop stopped", name);
            }
        }
    }

    /** False once {@link #shutdown()} was called: a body's long work should stop early. */
    public boolean running() {
        return stopping.getCount() > 0;
    }

    /** Stops the loop (any thread): sets the flag and wakes the poll. The loop's thread closes the consumer. */
    public void shutdown() {
        stopping.countDown();
        consumer.wakeup();
    }

    /** Wakes the poll (any thread, a signal handler too; never blocks): the next round starts at once. */
    public void wakeup() {
        consumer.wakeup();
    }

    /** Waits at most {@code timeout} for the loop to finish; true if it did. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many partitions the consumer had after its last poll (readable from any thread: for a health check). */
    public int assignedPartitions() {
        return assigned;
    }

    /** Sleeps {@code wait} on the loop's thread unless a shutdown comes first. */
    public void pause(Duration wait) throws InterruptedException {
        stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void round() throws InterruptedException {
        try {
            Duration wait = body.beforePoll(maxPoll);
            resumeIfDue();
            if (resumeAt != null) {
                Duration untilResume = Duration.between(clock.instant(), resumeAt);
                wait = untilResume.compareTo(wait) < 0 ? untilResume : wait;
            }
            ConsumerRecords<String, V> records = consumer.poll(wait.isNegative() ? Duration.ZERO : wait);
            assigned = consumer.assignment().size();
            handle(records);
            failureBackoff.reset();
        } catch (WakeupException e) {
            if (!running()) {
                throw e;
            }
            // only woken (wakeup()): records fetched but not returned stay buffered
        } catch (RuntimeException e) { // Kafka down on commit or fetch, or a bug in the body's own work
            failed(e);
        }
    }

    private void failed(RuntimeException e) throws InterruptedException {
        body.roundFailed(e);
        Duration wait = failureBackoff.next();
        LOG.warn("{} loop round failed, continuing in {}ms: {}", name, wait.toMillis(), e.toString());
        pause(wait);
    }

    private void handle(ConsumerRecords<String, V> records) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        Set<TopicPartition> finished = new HashSet<>();
        try {
            for (TopicPartition tp : records.partitions()) {
                for (ConsumerRecord<String, V> r : records.records(tp)) {
                    if (!running()) {
                        return;
                    }
                    if (!handleOne(r)) {
                        rewind(records, finished, tp, r.offset());
                        return;
                    }
                    done.put(tp, new OffsetAndMetadata(r.offset() + 1));
                }
                finished.add(tp);
            }
            retryBackoff.reset();
        } finally {
            commit(done);
        }
    }

    private boolean handleOne(ConsumerRecord<String, V> r) throws InterruptedException {
        try {
            return body.handle(r);
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            body.skipped(r, e);
            LOG.error("{}: record {}-{}@{} could not be handled, skipped", name, r.topic(), r.partition(), r.offset(), e);
            return true;
        }
    }

    /** Rewinds the failed partition to the failed record, every partition not reached yet to its start; pauses. */
    private void rewind(ConsumerRecords<String, V> records, Set<TopicPartition> finished, TopicPartition failed,
                        long offset) {
        for (TopicPartition tp : records.partitions()) {
            if (!finished.contains(tp)) {
                consumer.seek(tp, tp.equals(failed) ? offset : records.records(tp).get(0).offset());
            }
        }
        Duration wait = retryBackoff.next();
        resumeAt = clock.instant().plus(wait);
        consumer.pause(consumer.assignment());
        LOG.warn("{}: paused consumption for {}ms, record {}-{} will be handled again", name, wait.toMillis(), failed,
                offset);
    }

    private void resumeIfDue() {
        if (resumeAt != null && !clock.instant().isBefore(resumeAt)) {
            consumer.resume(consumer.paused());
            resumeAt = null;
        }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> done) {
        if (done.isEmpty()) {
            return;
        }
        try {
            commitOnce(done);
        } catch (WakeupException e) {
            if (!running()) {
                throw e;
            }
            commitOnce(done); // the wakeup is spent: commit again
        }
    }

    private void commitOnce(Map<TopicPartition, OffsetAndMetadata> done) {
        try {
            consumer.commitSync(done, commitTimeout);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("{}: commit of {} failed (those records may be handled again): {}", name, done, e.toString());
        }
    }
}
