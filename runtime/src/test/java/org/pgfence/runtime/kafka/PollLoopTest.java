package org.pgfence.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pgfence.events.testing.MutableClock;
import org.pgfence.runtime.Backoff;

/**
 * The one consumer-loop shape (agent and auditor) on Kafka's MockConsumer: commit after the body is done with a
 * record, rewind and pause on a record to be seen again, skip a record the body throws on, a wakeup that lands in a
 * commit does not lose the commit, a failed round does not end the loop, and shutdown closes the consumer on the
 * loop's own thread.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PollLoopTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final List<String> skipped = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger roundsFailed = new AtomicInteger();
    private Thread owner;
    private PollLoop<String> loop;

    /** A MockConsumer whose next commits can be made to throw a wakeup or fail. */
    private static final class Consumer extends MockConsumer<String, String> {
        final AtomicInteger wakeupsInCommit = new AtomicInteger();
        final AtomicInteger commitAttempts = new AtomicInteger();
        volatile RuntimeException pollFailure;

        Consumer() {
            super(OffsetResetStrategy.EARLIEST);
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            commitAttempts.incrementAndGet();
            if (wakeupsInCommit.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new WakeupException();
            }
            super.commitSync(offsets, timeout);
        }

        @Override
        public synchronized org.apache.kafka.clients.consumer.ConsumerRecords<String, String> poll(Duration timeout) {
            RuntimeException f = pollFailure;
            if (f != null) {
                pollFailure = null;
                throw f;
            }
            return super.poll(timeout);
        }
    }

    private final Consumer consumer = new Consumer();

    private void start(PollLoop.Body<String> body) {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.updateBeginningOffsets(Map.of(TP, 0L));
        });
        loop = new PollLoop<>("test", consumer, List.of("t"), body, clock, Duration.ofMillis(20),
                new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(5)), Duration.ofSeconds(1));
        owner = new Thread(loop, "poll-loop-test");
        owner.start();
        await().until(() -> consumer.assignment().contains(TP));
    }

    /** A body that records what it saw; handle() answers by the record's value: "retry" once, "boom" throws. */
    private PollLoop.Body<String> recording(Set<String> retryOnce) {
        return new PollLoop.Body<>() {
            @Override
            public Duration beforePoll(Duration maxPoll) {
                return maxPoll;
            }

            @Override
            public boolean handle(ConsumerRecord<String, String> r) {
                seen.add(r.value() + "@" + r.offset());
                if (r.value().equals("boom")) {
                    throw new IllegalStateException("a bug in the body");
                }
                return !retryOnce.remove(r.value());
            }

            @Override
            public void skipped(ConsumerRecord<String, String> r, RuntimeException cause) {
                skipped.add(r.value() + ": " + cause.getMessage());
            }

            @Override
            public void roundFailed(RuntimeException cause) {
                roundsFailed.incrementAndGet();
            }
        };
    }

    /** Records of consecutive offsets from {@code first}, handed over by one poll. */
    private void add(long first, String... values) {
        consumer.schedulePollTask(() -> {
            for (int i = 0; i < values.length; i++) {
                consumer.addRecord(new ConsumerRecord<>("t", 0, first + i, "k", values[i]));
            }
        });
    }

    private long committed() {
        OffsetAndMetadata o = consumer.committed(Set.of(TP)).get(TP);
        return o == null ? -1 : o.offset();
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.shutdown();
            assertThat(loop.awaitStopped(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void aRecordIsCommittedAfterTheBodyIsDoneWithIt() {
        start(recording(new java.util.HashSet<>()));
        add(0, "a");
        add(1, "b");
        await().until(() -> committed() == 2);
        assertThat(seen).containsExactly("a@0", "b@1");
    }

    @Test
    void aRecordToBeSeenAgainRewindsAndPausesItsPartitionUntilTheBackoffHasPassed() {
        start(recording(new java.util.HashSet<>(Set.of("b"))));
        add(0, "a", "b", "c");
        await().until(() -> consumer.paused().contains(TP));
        assertThat(committed()).as("a is done, b is not").isEqualTo(1);
        assertThat(consumer.position(TP)).as("rewound to b").isEqualTo(1);
        assertThat(seen).containsExactly("a@0", "b@1");

        add(1, "b", "c"); // what the broker hands over again from the rewound position (MockConsumer keeps no log)
        clock.advance(Duration.ofSeconds(5)); // the retry backoff
        await().until(() -> committed() == 3);
        assertThat(seen).containsExactly("a@0", "b@1", "b@1", "c@2");
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void aRecordTheBodyThrowsOnIsSkippedAndTheLoopGoesOn() {
        start(recording(new java.util.HashSet<>()));
        add(0, "boom");
        add(1, "a");
        await().until(() -> committed() == 2);
        assertThat(skipped).containsExactly("boom: a bug in the body");
        assertThat(seen).containsExactly("boom@0", "a@1");
    }

    @Test
    void aWakeupThatLandsInACommitIsSpentThereAndTheCommitIsMadeAgain() {
        start(recording(new java.util.HashSet<>()));
        consumer.wakeupsInCommit.set(1); // as the agent's SIGHUP (reconcile now) does while a commit runs
        add(0, "a");
        await().until(() -> committed() == 1);
        assertThat(consumer.commitAttempts.get()).isEqualTo(2);
        assertThat(seen).containsExactly("a@0");
        assertThat(owner.isAlive()).isTrue();
    }

    @Test
    void aFailedRoundIsCountedAndTheLoopGoesOn() {
        start(recording(new java.util.HashSet<>()));
        consumer.pollFailure = new org.apache.kafka.common.KafkaException("broker gone");
        await().until(() -> roundsFailed.get() == 1);
        add(0, "a");
        await().atMost(Duration.ofSeconds(10)).until(() -> committed() == 1);
        assertThat(owner.isAlive()).isTrue();
    }

    @Test
    void shutdownEndsTheLoopAndItsThreadClosesTheConsumer() throws Exception {
        start(recording(new java.util.HashSet<>()));
        loop.shutdown();
        assertThat(loop.awaitStopped(Duration.ofSeconds(5))).isTrue();
        assertThat(consumer.closed()).isTrue();
        assertThat(loop.running()).isFalse();
        loop = null;
    }
}
