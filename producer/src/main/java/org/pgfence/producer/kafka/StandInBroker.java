package org.pgfence.producer.kafka;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.pgfence.process.Threads;

/**
 * A stand-in for a Kafka broker on loopback that answers what an idempotent producer asks on its way to an acked record
 * (ApiVersions, Metadata, InitProducerId, Produce); every record is acked and dropped, every topic has one partition
 * led by this broker. Two users, neither a test: {@link KafkaPublishers#rehearse} sends one record to it while the
 * promotion runs, so the Kafka client's first record (~30 ms of first-time work after every promotion before) is
 * not the announcement; and the class-data archive's training publishes through it, so the archive holds the send
 * path's classes and lambdas. pgfence's tests publish to a real broker.
 */
public final class StandInBroker implements AutoCloseable {
    private static final int NODE = 0;
    /** Larger than any request a producer sends it (one small record); anything larger is not a producer's. */
    private static final int MAX_REQUEST = 1 << 20;
    private static final List<ApiKeys> ANSWERED = List.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA,
            ApiKeys.INIT_PRODUCER_ID, ApiKeys.PRODUCE);
    private final ServerSocket server;
    private final List<Socket> clients = new ArrayList<>();
    private long offset;

    public StandInBroker() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Threads.start("pgfence-stand-in", this::accept);
    }

    /** How many records it acked. */
    public synchronized long records() {
        return offset;
    }

    /** The bootstrap servers to give a client. */
    public String bootstrap() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                synchronized (clients) {
                    clients.add(s);
                }
                Threads.start("pgfence-stand-in-conn", () -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; DataInputStream in = new DataInputStream(s.getInputStream());
             DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
            while (true) {
                int size = in.readInt();
                if (size < 0 || size > MAX_REQUEST) {
                    return;
                }
                byte[] request = new byte[size];
                in.readFully(request);
                ByteBuffer buf = ByteBuffer.wrap(request);
                RequestHeader header = RequestHeader.parse(buf);
                ApiMessage body = answer(header.apiKey(), header.apiVersion(), new ByteBufferAccessor(buf));
                ResponseHeader rh = header.toResponseHeader();
                ByteBuffer h = MessageUtil.toByteBufferAccessor(rh.data(), rh.headerVersion()).buffer();
                ByteBuffer b = MessageUtil.toByteBufferAccessor(body, header.apiVersion()).buffer();
                ByteBuffer response = ByteBuffer.allocate(4 + h.remaining() + b.remaining());
                response.putInt(h.remaining() + b.remaining()).put(h).put(b);
                out.write(response.array()); // in one piece: the rest of a split answer waits for a delayed ACK
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, or asked what this stand-in does not answer: the connection ends
        }
    }

    private ApiMessage answer(ApiKeys api, short version, ByteBufferAccessor request) {
        return switch (api) {
            case API_VERSIONS -> {
                ApiVersionsResponseData.ApiVersionCollection apis = new ApiVersionsResponseData.ApiVersionCollection();
                ANSWERED.forEach(k -> apis.add(ApiVersionsResponse.toApiVersion(k)));
                yield new ApiVersionsResponseData().setApiKeys(apis);
            }
            case METADATA -> metadata(new MetadataRequestData(request, version));
            case INIT_PRODUCER_ID -> new InitProducerIdResponseData().setProducerId(1).setProducerEpoch((short) 0);
            case PRODUCE -> produce(new ProduceRequestData(request, version));
            default -> throw new IllegalArgumentException("not answered: " + api);
        };
    }

    private MetadataResponseData metadata(MetadataRequestData request) {
        MetadataResponseData.MetadataResponseBrokerCollection brokers =
                new MetadataResponseData.MetadataResponseBrokerCollection();
        brokers.add(new MetadataResponseData.MetadataResponseBroker().setNodeId(NODE)
                .setHost(server.getInetAddress().getHostAddress()).setPort(server.getLocalPort()));
        MetadataResponseData.MetadataResponseTopicCollection topics =
                new MetadataResponseData.MetadataResponseTopicCollection();
        if (request.topics() != null) {
            for (MetadataRequestData.MetadataRequestTopic t : request.topics()) {
                topics.add(new MetadataResponseData.MetadataResponseTopic().setName(t.name()).setTopicId(id(t.name()))
                        .setPartitions(List.of(new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(0)
                                .setLeaderId(NODE).setLeaderEpoch(0).setReplicaNodes(List.of(NODE))
                                .setIsrNodes(List.of(NODE)))));
            }
        }
        return new MetadataResponseData().setBrokers(brokers).setClusterId("pgfence-stand-in").setControllerId(NODE)
                .setTopics(topics);
    }

    private synchronized ProduceResponseData produce(ProduceRequestData request) {
        ProduceResponseData.TopicProduceResponseCollection responses =
                new ProduceResponseData.TopicProduceResponseCollection();
        for (ProduceRequestData.TopicProduceData t : request.topicData()) {
            List<ProduceResponseData.PartitionProduceResponse> partitions = new ArrayList<>();
            for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                partitions.add(new ProduceResponseData.PartitionProduceResponse().setIndex(p.index())
                        .setBaseOffset(offset++).setLogAppendTimeMs(-1).setLogStartOffset(0));
            }
            responses.add(new ProduceResponseData.TopicProduceResponse().setName(t.name()).setTopicId(t.topicId())
                    .setPartitionResponses(partitions));
        }
        return new ProduceResponseData().setResponses(responses);
    }

    /** A topic's id, the same at every answer. */
    private static Uuid id(String topic) {
        java.util.UUID u = java.util.UUID.nameUUIDFromBytes(topic.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new Uuid(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (clients) {
            for (Socket s : clients) {
                s.close();
            }
        }
    }
}
