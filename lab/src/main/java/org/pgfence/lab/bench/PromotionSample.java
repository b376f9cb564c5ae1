package org.pgfence.lab.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.pgfence.events.AckStatus;
import org.pgfence.events.FencingAck;

/**
 * One measured promotion: when {@code master-promoted} was published (first seen on Kafka by the bench's own
 * consumer; {@code sent} is the record's CreateTime, the producer's send() call) and each host's first good ack
 * routing appdb-rw to the new primary. {@code cpu} is what the agents and the machine used from the publication to
 * the last ack (null if not sampled).
 */
record PromotionSample(int index, String target, int timeline, Instant published, Instant sent, long switchoverMillis,
                       List<HostAck> acks, int hosts, boolean verified, CpuSampler.Usage cpu) {

    /** One host's ack, as offsets from the publication and the agent's own timings. */
    record HostAck(String host, AckStatus status, long fromPublishMillis, long fromSendMillis, long deliveryMillis,
                   long agentMillis, long discoverMillis, long applyMillis) {

        static HostAck of(FencingAck a, Instant published, Instant sent) {
            return new HostAck(a.host(), a.status(),
                    Duration.between(published, a.timings().completedAt()).toMillis(),
                    Duration.between(sent, a.timings().completedAt()).toMillis(),
                    Duration.between(published, a.timings().receivedAt()).toMillis(),
                    Duration.between(a.timings().receivedAt(), a.timings().completedAt()).toMillis(),
                    a.timings().discoverMillis(), a.timings().applyMillis());
        }
    }

    /** Every host acked and every pgbouncer was seen routing to the new primary. */
    boolean complete() {
        return acks.size() == hosts && verified;
    }

    /** Publication to the last host's verified ack: the promotion's fencing latency. */
    long fencingMillis() {
        return acks.stream().mapToLong(HostAck::fromPublishMillis).max().orElse(-1);
    }

    long applied() {
        return acks.stream().filter(a -> a.status() == AckStatus.APPLIED).count();
    }
}
