package org.pgfence.producer.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pgfence.events.Epoch;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.NodeRef;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.Trigger;
import org.pgfence.events.kafka.Topics;
import org.pgfence.runtime.kafka.KafkaSettings;

class StandInBrokerTest {

    /** If a kafka-clients upgrade asks the stand-in something it does not answer, training stops covering the path. */
    @Test
    @Timeout(30)
    void pgfencesOwnProducerGetsItsRecordsAckedInOrder() throws Exception {
        try (StandInBroker broker = new StandInBroker();
             KafkaProducer<String, PgfenceEvent> producer = producer(broker)) {
            for (long expected = 0; expected < 2; expected++) {
                RecordMetadata acked = producer.send(record()).get(10, TimeUnit.SECONDS);
                assertThat(acked.topic()).isEqualTo("training.promotions");
                assertThat(acked.offset()).isEqualTo(expected);
            }
            assertThat(broker.records()).isEqualTo(2);
        }
    }

    /**
     * Each answer leaves in one piece. Written as a length and then the rest, an answer waited for the client's delayed
     * ACK of the first piece (Nagle's algorithm): 40 ms a record, which made a rehearsal's record cost 40 ms of wall
     * time more than a real broker's. 50 records one after the other took over 2 s that way.
     */
    @Test
    @Timeout(30)
    void answersAreNotHeldBackByDelayedAcks() throws Exception {
        try (StandInBroker broker = new StandInBroker();
             KafkaProducer<String, PgfenceEvent> producer = producer(broker)) {
            ProducerRecord<String, PgfenceEvent> record = record();
            producer.send(record).get(10, TimeUnit.SECONDS); // connections, metadata, producer id: not timed
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                producer.send(record).get(10, TimeUnit.SECONDS);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("50 records acked one after the other in %d ms%n", millis);
            assertThat(millis).as("50 records, one at a time").isLessThan(1500);
        }
    }

    private static KafkaProducer<String, PgfenceEvent> producer(StandInBroker broker) {
        return new KafkaProducer<>(new KafkaSettings(broker.bootstrap(), new Topics("training"), Map.of())
                .producer("training", Duration.ofSeconds(10)));
    }

    private static ProducerRecord<String, PgfenceEvent> record() {
        return new ProducerRecord<>(new Topics("training").promotions(), Topics.promotionKey("training"),
                new MasterPromoted(MasterPromoted.SCHEMA_VERSION, UUID.randomUUID(), "training", Instant.now(),
                        "training", Trigger.MANUAL, null, new NodeRef(1, "node1", "127.0.0.1", 1), null,
                        new Epoch(1, "1")));
    }

    @Test
    @Timeout(30)
    void aRehearsalIsAckedByItsOwnStandInAndSendsNothingToTheConfiguredBroker() throws Exception {
        try (StandInBroker configured = new StandInBroker()) {
            KafkaSettings settings = new KafkaSettings(configured.bootstrap(), new Topics("training"), Map.of());
            assertThat(KafkaPublishers.rehearse(settings, Duration.ofSeconds(10))).isTrue();
            assertThat(configured.records()).isZero();
        }
    }
}
