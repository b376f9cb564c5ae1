package org.pgfence.producer.spool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.pgfence.events.MasterPromoted;
import org.pgfence.producer.kafka.PublishException;
import org.pgfence.producer.kafka.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Sends the spool in order, removing each file only after its ack. Stops at the first event the
 * broker does not ack (later events must not overtake it); a corrupt file is moved aside and skipped.
 * A re-send after a crash between ack and delete is harmless: consumers deduplicate by event id and epoch.
 */
public final class SpoolFlusher {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolFlusher.class);
    private final Spool spool;

    public SpoolFlusher(Spool spool) {
        this.spool = spool;
    }

    public FlushResult flush(Publisher publisher) throws IOException {
        List<Path> files = spool.pending();
        int sent = 0;
        int aside = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            Optional<MasterPromoted> event;
            try {
                event = spool.read(file);
            } catch (CorruptSpoolFileException e) {
                Path bad = spool.moveAside(file);
                LOG.error("Moved corrupt spool file {} aside to {}: {}", file, bad.getFileName(), e.getMessage());
                aside++;
                continue;
            }
            if (event.isEmpty()) {
                continue;
            }
            String problem = send(publisher, event.get(), file);
            if (problem != null) {
                return new FlushResult(sent, aside, files.size() - i, problem);
            }
            sent++;
        }
        return new FlushResult(sent, aside, 0, null);
    }

    private String send(Publisher publisher, MasterPromoted event, Path file) throws IOException {
        MDC.put("event.id", event.eventId().toString());
        try {
            try {
                publisher.publish(event);
            } catch (PublishException e) {
                LOG.warn("Kafka did not ack spooled event ({}); it stays in {} for a later flush: {}",
                        e.failure(), file, e.getMessage());
                return e.getMessage();
            }
            spool.remove(file);
            LOG.info("Published {} for {} epoch {} (spool file removed)", event.trigger(), event.cluster(),
                    event.epoch());
            return null;
        } finally {
            MDC.remove("event.id");
        }
    }
}
