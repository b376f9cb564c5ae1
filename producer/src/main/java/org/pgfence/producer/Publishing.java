package org.pgfence.producer;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.pgfence.events.MasterPromoted;
import org.pgfence.producer.kafka.PublishException;
import org.pgfence.producer.kafka.Publisher;
import org.pgfence.producer.kafka.Publishers;
import org.pgfence.producer.spool.FlushResult;
import org.pgfence.producer.spool.Spool;
import org.pgfence.producer.spool.SpoolFlusher;
import org.pgfence.runtime.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishing for one process run, within ONE Kafka budget ({@code publish.deadline}) shared by every
 * flush of the run: Kafka trouble costs the run that budget at most, however many flushes it makes.
 * A flush that found Kafka unreachable spends the rest of the budget, so later flushes skip at once.
 * With nothing spooled no publisher (and no Kafka class) is created.
 */
public final class Publishing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Publishing.class);
    private final Spool spool;
    private final SpoolFlusher flusher;
    private final Publishers publishers;
    private final Clock clock;
    private Duration budget;

    public Publishing(Spool spool, Publishers publishers, Duration budget, Clock clock) {
        this.spool = spool;
        this.flusher = new SpoolFlusher(spool);
        this.publishers = publishers;
        this.budget = budget;
        this.clock = clock;
    }

    /** Publishes everything spooled, in order, within what is left of the budget and of {@code overall}. */
    public FlushResult flush(Deadline overall) {
        try {
            if (!spool.hasPending()) {
                return FlushResult.NOTHING;
            }
            if (budget.isZero() || overall.expired()) {
                int left = spool.pending().size();
                LOG.warn("{} event(s) stay spooled in {}: the publish budget of this run is spent", left, spool.dir());
                return new FlushResult(0, 0, left, "publish budget spent");
            }
            return flushWithin(overall.slice(budget));
        } catch (IOException e) {
            LOG.error("Cannot read the spool {}: {}", spool.dir(), e.toString());
            return new FlushResult(0, 0, -1, "spool unreadable: " + e);
        }
    }

    private FlushResult flushWithin(Deadline session) throws IOException {
        Instant start = clock.instant();
        FlushResult result;
        try (Publisher publisher = publishers.open(session)) {
            result = flusher.flush(publisher);
        } finally {
            Duration spent = Duration.between(start, clock.instant());
            budget = spent.compareTo(budget) >= 0 ? Duration.ZERO : budget.minus(spent);
        }
        if (result.problem() != null) {
            budget = Duration.ZERO;
        }
        return result;
    }

    /** Last resort when the spool cannot be written: publish {@code event} directly, within the budget. */
    public boolean publishUnspooled(MasterPromoted event, Deadline overall) {
        if (budget.isZero() || overall.expired()) {
            LOG.error("Event {} lost: it cannot be spooled and the publish budget is spent", event.eventId());
            return false;
        }
        Deadline session = overall.slice(budget);
        Instant start = clock.instant();
        try (Publisher publisher = publishers.open(session)) {
            publisher.publish(event);
            return true;
        } catch (PublishException e) {
            LOG.error("Event {} lost: it cannot be spooled and Kafka did not ack it: {}", event.eventId(),
                    e.getMessage());
            budget = Duration.ZERO;
            return false;
        } finally {
            Duration spent = Duration.between(start, clock.instant());
            budget = spent.compareTo(budget) >= 0 ? Duration.ZERO : budget.minus(spent);
        }
    }

    /** Lets the publishers get ready in the background (promote: while the promotion runs). */
    public void prepare() {
        if (!budget.isZero()) {
            publishers.prepare();
        }
    }

    @Override
    public void close() {
        publishers.close();
    }

    /** What is left of the Kafka budget. */
    public Duration budget() {
        return budget;
    }
}
