package org.pgfence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaAnswerPathTest {

    @Test
    void everyPackageAndApiStillExistsInTheKafkaClientsOnTheClassPath() throws Exception {
        List<String> entries = KafkaAnswerPath.classEntries();
        for (String pkg : KafkaAnswerPath.PACKAGES) {
            assertThat(entries).as("a kafka-clients upgrade moved " + pkg + ": update KafkaAnswerPath")
                    .anyMatch(e -> e.startsWith(pkg) && e.indexOf('/', pkg.length()) < 0);
        }
        for (String api : KafkaAnswerPath.APIS) {
            assertThat(entries).as("no request or message class starts with " + api + ": update KafkaAnswerPath")
                    .anyMatch(e -> KafkaAnswerPath.wanted(e) && e.substring(e.lastIndexOf('/') + 1).startsWith(api));
        }
    }

    @Test
    void theClassesAPromotesFirstRecordLoadedFromTheJarAreChosenAndTheOtherApisAreNot() {
        // from a class-load log of pgfence promote on the lab: loaded from kafka-clients after the promotion
        for (String loaded : List.of("org/apache/kafka/clients/producer/internals/ProducerBatch$FinalState.class",
                "org/apache/kafka/common/record/internal/MemoryRecordsBuilder.class",
                "org/apache/kafka/common/requests/ProduceResponse$RecordError.class",
                "org/apache/kafka/common/message/ProduceRequestData$TopicProduceDataCollection.class",
                "org/apache/kafka/common/utils/internals/Crc32C.class", "org/apache/kafka/clients/ClientResponse.class",
                "org/apache/kafka/common/network/NetworkSend.class", "org/apache/kafka/common/protocol/SendBuilder.class")) {
            assertThat(KafkaAnswerPath.wanted(loaded)).as(loaded).isTrue();
        }
        assertThat(KafkaAnswerPath.wanted("org/apache/kafka/common/message/JoinGroupRequestData.class")).isFalse();
        assertThat(KafkaAnswerPath.wanted("org/apache/kafka/clients/consumer/internals/Fetcher.class")).isFalse();
    }

    @Test
    void loadsSomeHundredsOfClasses() throws IOException {
        int loaded = KafkaAnswerPath.load();
        assertThat(loaded).isBetween(250, 1_000);
    }
}
