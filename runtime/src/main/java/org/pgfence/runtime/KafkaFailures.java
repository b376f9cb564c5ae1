package org.pgfence.runtime;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;

/** The Kafka half of {@link Failure}; a separate class so that classifying a SQL error loads no Kafka type. */
final class KafkaFailures {
    private KafkaFailures() {
    }

    static Failure classify(Throwable t) {
        if (!t.getClass().getName().startsWith("org.apache.kafka.")) {
            return null;
        }
        if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
            return Failure.FATAL;
        }
        if (t instanceof RetriableException) {
            return Failure.RETRIABLE;
        }
        return null;
    }
}
