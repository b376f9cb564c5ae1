package org.pgfence.consumer.agent;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.pgfence.consumer.config.AgentConfig;
import org.pgfence.consumer.http.Metrics;
import org.pgfence.consumer.http.StatusServer;
import org.pgfence.consumer.state.EpochStore;
import org.pgfence.consumer.state.StatusBoard;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.Decoded;
import org.pgfence.events.kafka.Topics;
import org.pgfence.runtime.kafka.EventPublisher;
import org.pgfence.runtime.kafka.PollLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running agent, wired from its config: constructors only, started by {@link #run()} on the calling
 * thread, stopped by {@link #shutdown()} from any thread, closed in reverse order.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    /**
     * The promotions consumer's idle settings, each kept unless kafka.properties sets it (BENCHMARKS.md "Idle CPU"):
     * a fetch returns as soon as a record arrives (fetch.min.bytes 1), so its wait bounds only the idle round trip;
     * the group's heartbeat only keeps this host's own one-member group alive (session.timeout.ms stays 45 s).
     */
    public static final Map<String, String> IDLE_SETTINGS = Map.of("fetch.max.wait.ms", "5000", "heartbeat.interval.ms", "15000");
    private final HostFencing fencing;
    private final KafkaConsumer<String, Decoded> consumer;
    private final EventPublisher publisher;
    private final StatusServer http;
    private final AgentLoop loop;
    private final StatusBoard status = new StatusBoard();
    private final Metrics metrics = new Metrics();

    /** Opens the epoch store (IOException if the state dir is unusable) and builds every component. */
    public Agent(AgentConfig config, Clock clock, String version) throws IOException {
        String agentId = config.host() + "/" + UUID.randomUUID();
        metrics.version(version);
        fencing = new HostFencing(config, agentId, status, metrics, clock);
        EpochStore epochs = fencing.epochs();
        Acks acks = fencing.acks();
        Reconciler reconciler = fencing.reconciler();
        String clientId = "pgfence-agent-" + config.host();
        consumer = new KafkaConsumer<>(consumerProperties(config, clientId));
        publisher = new EventPublisher(new KafkaProducer<String, PgfenceEvent>(
                config.kafka().producer(clientId, config.applyTimeout())), config.kafka().topics(), config.applyTimeout());
        FloorRebuild floorRebuild = new FloorRebuild(config, () -> new KafkaConsumer<>(floorReaderProperties(config,
                clientId)), epochs, reconciler::maintenance, clock);
        Heartbeats heartbeats = new Heartbeats(config, agentId, version, clock, status);
        loop = new AgentLoop(config, consumer, reconciler, publisher, heartbeats, acks, metrics, clock, floorRebuild);
        http = config.http().enabled() ? statusServer(config) : null;
    }

    /**
     * The metrics, status and health endpoint, or null when its address is taken: fencing does not depend on being
     * watched, so the agent logs the ERROR and runs without it (two agents on one host need distinct http.port).
     */
    private StatusServer statusServer(AgentConfig config) {
        try {
            return new StatusServer(config.http().bind(), config.http().port(), metrics, config.host(), status::all,
                    loop::health);
        } catch (IOException e) {
            LOG.error("cannot listen on http {}:{} ({}): running without /metrics, /status and /health; set http.port"
                    + " (0 turns the endpoint off)", config.http().bind(), config.http().port(), e.getMessage());
            return null;
        }
    }

    /**
     * The promotions consumer, with {@link #IDLE_SETTINGS}: fetch.max.wait.ms 100 -> 500 -> 5000 ms and the heartbeat
     * 3 -> 15 s cost no delivery latency and cut an idle agent's requests, and its CPU, each time.
     */
    static java.util.Properties consumerProperties(AgentConfig config, String clientId) {
        java.util.Properties p = config.kafka().consumer(clientId, Topics.agentGroup(config.host()));
        IDLE_SETTINGS.forEach((key, value) -> {
            if (!config.kafka().clientProperties().containsKey(key)) {
                p.put(key, value);
            }
        });
        return p;
    }

    /** The reader of the whole promotions topic for the epoch floor: no group, nothing committed. */
    static java.util.Properties floorReaderProperties(AgentConfig config, String clientId) {
        java.util.Properties p = config.kafka().consumer(clientId + "-floor", Topics.agentGroup(config.host()));
        p.remove(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG);
        return p;
    }

    /** Runs until {@link #shutdown()}. */
    public void run() {
        EventPathWarmup.start();
        if (http != null) {
            http.start();
            LOG.info("metrics and status on port {}", http.port());
        }
        loop.run();
    }

    public void shutdown() {
        loop.shutdown();
    }

    /** Reconcile every cluster now; never blocks (safe from a signal handler). */
    public void reconcileNow() {
        loop.reconcileNow();
    }

    public StatusBoard status() {
        return status;
    }

    public Metrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        consumer.close(PollLoop.CLOSE_TIMEOUT); // a no-op once the loop, the consumer's owner, has closed it
        publisher.close();
        fencing.close();
    }
}
