package org.pgfence.producer.kafka;

import org.pgfence.events.MasterPromoted;

/** Puts one event on the promotions topic and returns once the broker acked it. */
public interface Publisher extends AutoCloseable {

    /** @throws PublishException if the event was not acked (in time) */
    void publish(MasterPromoted event) throws PublishException;

    @Override
    void close();
}
