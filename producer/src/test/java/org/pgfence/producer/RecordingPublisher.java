package org.pgfence.producer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.pgfence.events.MasterPromoted;
import org.pgfence.producer.kafka.PublishException;
import org.pgfence.producer.kafka.Publisher;

/**
 * A publisher for unit tests of the spool logic (ordering, deletion after ack, corrupt files); the real
 * broker is exercised by the lab ITs. Fails every event {@code fails} matches, like a broker that went away.
 */
public final class RecordingPublisher implements Publisher {
    public final List<MasterPromoted> acked = new ArrayList<>();
    public int closed;
    private final Predicate<MasterPromoted> fails;

    public RecordingPublisher(Predicate<MasterPromoted> fails) {
        this.fails = fails;
    }

    @Override
    public void publish(MasterPromoted event) throws PublishException {
        if (fails.test(event)) {
            throw new PublishException(event.eventId(), "broker unreachable", 0,
                    new java.net.ConnectException("Connection refused"));
        }
        acked.add(event);
    }

    @Override
    public void close() {
        closed++;
    }
}
