package org.pgfence.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.Trigger;
import org.pgfence.producer.postgres.LocalPrimary;
import org.pgfence.producer.postgres.PrimaryVerifier;
import org.pgfence.producer.spool.Spool;
import org.pgfence.runtime.Deadline;

/** The pipeline with a probe standing in for PostgreSQL (the lab ITs use a real one) and a real Kafka client. */
class AnnouncerTest {
    @TempDir
    Path dir;
    final Clock clock = Clock.systemUTC();
    final LocalPrimary primary = new LocalPrimary(EventBuilderTest.TLI2,
            List.of(EventBuilderTest.NODE1_FAILED, EventBuilderTest.NODE2));

    @Test
    void eventIsSpooledFirstAndStaysWhenKafkaIsUnreachable() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        PromoterConfig config = PromoterConfig.load(f.config, Map.of());
        Spool spool = new Spool(config.spoolDir());
        ProducerRuntime rt = new ProducerRuntime(config, clock);
        Announcer announcer = new Announcer(config, new PrimaryVerifier(d -> Optional.of(primary)), spool,
                rt.publishing, clock);
        long start = System.nanoTime();
        Announcer.Outcome outcome = announcer.announce(new Announcement(Trigger.STANDBY_PROMOTE, "standby_promote",
                null, OptionalInt.empty()), rt.overall(config.verifyTimeout()));
        assertThat(outcome).isEqualTo(Announcer.Outcome.SPOOLED);
        // bounded by publish.deadline (1 s) plus the Kafka client's construction, which alone took seconds on a 2-core
        // box at load 38: the bound proves "bounded", not "fast"
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        List<Path> files = spool.pending();
        assertThat(files).hasSize(1);
        MasterPromoted event = spool.read(files.get(0)).orElseThrow();
        assertThat(event.trigger()).isEqualTo(Trigger.STANDBY_PROMOTE);
        assertThat(event.repmgrEvent()).isEqualTo("standby_promote");
        assertThat(event.formerPrimary().name()).isEqualTo("node1");
        assertThat(event.epoch().timeline()).isEqualTo(2);
    }

    @Test
    void ackedEventLeavesNothingInTheSpool() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        PromoterConfig config = PromoterConfig.load(f.config, Map.of());
        Spool spool = new Spool(config.spoolDir());
        RecordingPublisher kafka = new RecordingPublisher(e -> false);
        Publishing publishing = new Publishing(spool, d -> kafka, config.publishDeadline(), clock);
        Announcer announcer = new Announcer(config, new PrimaryVerifier(d -> Optional.of(primary)), spool,
                publishing, clock);
        Announcer.Outcome outcome = announcer.announce(new Announcement(Trigger.REPMGRD_FAILOVER, null, null,
                OptionalInt.empty()), Deadline.after(clock, Duration.ofSeconds(5)));
        assertThat(outcome).isEqualTo(Announcer.Outcome.PUBLISHED);
        assertThat(kafka.acked).singleElement().satisfies(e -> assertThat(e.newPrimary().name()).isEqualTo("node2"));
        assertThat(spool.hasPending()).isFalse();
    }
}
