package org.pgfence.producer;

import java.time.Clock;
import java.time.Duration;
import org.pgfence.producer.kafka.KafkaPublishers;
import org.pgfence.producer.postgres.LocalNode;
import org.pgfence.producer.postgres.PrimaryVerifier;
import org.pgfence.producer.spool.Spool;
import org.pgfence.runtime.Deadline;
import org.slf4j.MDC;

/** Wires one run of a producer command from its config: constructors only, nothing started. */
final class ProducerRuntime implements AutoCloseable {
    final PromoterConfig config;
    final Clock clock;
    final Spool spool;
    final Publishing publishing;
    final Announcer announcer;
    final LocalNode localNode;

    ProducerRuntime(PromoterConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.spool = new Spool(config.spoolDir());
        String clientId = "pgfence-producer." + config.host();
        this.publishing = new Publishing(spool, new KafkaPublishers(config.kafka(), clientId,
                config.publishDeadline()), config.publishDeadline(), clock);
        this.localNode = new LocalNode(config.local());
        this.announcer = new Announcer(config, new PrimaryVerifier(localNode), spool, publishing, clock);
        MDC.put("cluster", config.cluster());
        MDC.put("host", config.host());
    }

    /** Closes what the run opened (the Kafka producer, an early database connection nobody used). */
    @Override
    public void close() {
        publishing.close();
        localNode.close();
    }

    /** One deadline for the whole run: the Kafka budget once (shared by every flush) plus the other steps. */
    Deadline overall(Duration... steps) {
        Duration total = config.publishDeadline();
        for (Duration step : steps) {
            total = total.plus(step);
        }
        return Deadline.after(clock, total);
    }
}
