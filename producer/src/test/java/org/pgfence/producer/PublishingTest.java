package org.pgfence.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.events.testing.MutableClock;
import org.pgfence.producer.kafka.Publisher;
import org.pgfence.producer.spool.FlushResult;
import org.pgfence.producer.spool.Spool;
import org.pgfence.runtime.Deadline;

class PublishingTest {
    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T20:00:00Z"));

    @Test
    void emptySpoolCreatesNoPublisher() {
        AtomicInteger created = new AtomicInteger();
        Publishing p = new Publishing(new Spool(dir), d -> {
            created.incrementAndGet();
            return new RecordingPublisher(e -> false);
        }, Duration.ofSeconds(5), clock);
        assertThat(p.flush(Deadline.after(clock, Duration.ofSeconds(10)))).isEqualTo(FlushResult.NOTHING);
        assertThat(created).hasValue(0);
    }

    @Test
    void theBudgetIsSharedByEveryFlushOfTheRun() throws IOException {
        Spool spool = new Spool(dir);
        spool.write(Events.promoted(clock.instant(), 2));
        Deadline[] sessions = new Deadline[2];
        AtomicInteger n = new AtomicInteger();
        Publishing p = new Publishing(spool, session -> {
            sessions[n.getAndIncrement()] = session;
            return new Publisher() {
                @Override
                public void publish(org.pgfence.events.MasterPromoted event) {
                    clock.advance(Duration.ofSeconds(2));
                }

                @Override
                public void close() {
                }
            };
        }, Duration.ofSeconds(5), clock);
        Deadline overall = Deadline.after(clock, Duration.ofSeconds(60));
        assertThat(p.flush(overall).sent()).isEqualTo(1);
        assertThat(sessions[0].remaining()).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.budget()).isEqualTo(Duration.ofSeconds(3));
        spool.write(Events.promoted(clock.instant(), 3));
        p.flush(overall);
        assertThat(sessions[1].end()).isEqualTo(clock.instant().plusSeconds(1));
        assertThat(p.budget()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void afterKafkaWasUnreachableLaterFlushesSkipAtOnce() throws IOException {
        Spool spool = new Spool(dir);
        spool.write(Events.promoted(clock.instant(), 2));
        AtomicInteger created = new AtomicInteger();
        Publishing p = new Publishing(spool, session -> {
            created.incrementAndGet();
            return new RecordingPublisher(e -> true);
        }, Duration.ofSeconds(5), clock);
        Deadline overall = Deadline.after(clock, Duration.ofSeconds(60));
        assertThat(p.flush(overall).left()).isEqualTo(1);
        FlushResult second = p.flush(overall);
        assertThat(second.left()).isEqualTo(1);
        assertThat(second.problem()).contains("budget");
        assertThat(created).hasValue(1);
        assertThat(spool.pending()).hasSize(1);
    }

    @Test
    void unspooledEventIsPublishedDirectlyOrReportedLost() {
        Publishing ok = new Publishing(new Spool(dir), d -> new RecordingPublisher(e -> false), Duration.ofSeconds(5),
                clock);
        assertThat(ok.publishUnspooled(Events.promoted(clock.instant(), 2), Deadline.after(clock, Duration.ofSeconds(5))))
                .isTrue();
        Publishing down = new Publishing(new Spool(dir), d -> new RecordingPublisher(e -> true), Duration.ofSeconds(5),
                clock);
        assertThat(down.publishUnspooled(Events.promoted(clock.instant(), 2), Deadline.after(clock, Duration.ofSeconds(5))))
                .isFalse();
        assertThat(down.budget()).isZero();
    }

}
