package org.pgfence.producer.kafka;

import org.pgfence.runtime.Deadline;


/** Opens a {@link Publisher} for one flush session; may get ready ahead of need. */
@FunctionalInterface
public interface Publishers extends AutoCloseable {

    Publisher open(Deadline session);

    /** Gets ready in the background (connect, metadata) without blocking the caller; optional. */
    default void prepare() {
    }

    /** Releases whatever {@link #prepare()} or the sessions kept open. */
    @Override
    default void close() {
    }
}
