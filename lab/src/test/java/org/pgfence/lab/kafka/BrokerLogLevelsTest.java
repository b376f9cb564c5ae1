package org.pgfence.lab.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;

class BrokerLogLevelsTest {

    @Test
    void theBrokersStartLineShowsAndTheSingleNodeControllersComplaintsDoNot() {
        LoggerContext context = new LoggerContext();
        BrokerLogLevels.apply(context);
        assertThat(context.getLogger("kafka.server.KafkaRaftServer").getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("org.apache.kafka.controller.QuorumController").getLevel()).isEqualTo(Level.ERROR);
    }

    @Test
    void aLevelAlreadySetIsKept() {
        LoggerContext context = new LoggerContext();
        context.getLogger("kafka.server.KafkaRaftServer").setLevel(Level.DEBUG);
        BrokerLogLevels.apply(context);
        assertThat(context.getLogger("kafka.server.KafkaRaftServer").getLevel()).isEqualTo(Level.DEBUG);
    }
}
