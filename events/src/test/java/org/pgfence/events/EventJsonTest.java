package org.pgfence.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventJsonTest {

    static String golden(String name) throws IOException {
        try (InputStream in = EventJsonTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static MasterPromoted promoted() {
        return new MasterPromoted(1, UUID.fromString("5f0c2a9e-6d1b-4c52-9a51-0d6f7b1e2c3a"), "lab",
                Instant.parse("2026-11-25T20:07:15.149Z"), "node2", Trigger.REPMGRD_FAILOVER,
                "repmgrd_failover_promote", new NodeRef(2, "node2", "127.0.0.12", 5432),
                new FormerPrimary(1, "node1"), new Epoch(2, "7441234567890123456"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"master-promoted.v1.json", "fencing-ack.v1.json", "agent-heartbeat.v1.json",
            "agent-heartbeat.v1-without-routing.json", "maintenance-mode.v1.json",
            "fencing-started.v1.json"})
    void goldenFilesRoundTripToTheSameJson(String file) throws IOException {
        String json = golden(file);
        PgfenceEvent event = EventJson.fromJson(json);
        JsonNode expected = EventJson.mapper().readTree(json);
        JsonNode actual = EventJson.mapper().readTree(EventJson.toJson(event));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void aPauseWithoutAReasonIsRefusedNamingTheField() throws IOException {
        String json = golden("maintenance-mode.v1.json").replace("\"reason\" : \"kernel upgrade on node1\"", "\"reason\" : \" \"");
        assertThatThrownBy(() -> EventJson.fromJson(json)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("reason");
        MaintenanceMode resume = (MaintenanceMode) EventJson.fromJson(golden("maintenance-mode.v1.json")
                .replace("\"paused\" : true", "\"paused\" : false").replace(",\n  \"reason\" : \"kernel upgrade on node1\"", ""));
        assertThat(resume.paused()).isFalse();
        assertThat(resume.reason()).isNull();
    }

    @Test
    void aPauseThatEndsBeforeItStartsIsRefusedNamingTheField() throws IOException {
        String json = golden("fencing-started.v1.json").replace("2026-12-03T14:00:30Z", "2026-12-03T14:00:00Z");
        assertThatThrownBy(() -> EventJson.fromJson(json)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("pauseUntil");
        assertThatThrownBy(() -> EventJson.fromJson(golden("fencing-started.v1.json").replace("\"switchover\"", "\"failover\"")))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("intent");
    }

    @Test
    void masterPromotedIsWrittenExactlyAsTheGoldenFile() throws IOException {
        JsonNode expected = EventJson.mapper().readTree(golden("master-promoted.v1.json"));
        assertThat(EventJson.mapper().readTree(EventJson.toJson(promoted()))).isEqualTo(expected);
    }

    @Test
    void aHeartbeatOfAnAgentBeforeRoutingWasAddedReadsWithNoRouting() throws IOException {
        AgentHeartbeat old = (AgentHeartbeat) EventJson.fromJson(golden("agent-heartbeat.v1-without-routing.json"));
        assertThat(old.routing()).isEmpty();
        assertThat(old.routingOf("lab")).isEmpty();
        assertThat(EventJson.toJson(old)).doesNotContain("routing");
    }

    @Test
    void aHeartbeatSaysWhetherEachClusterServesAPromotion() throws IOException {
        AgentHeartbeat h = (AgentHeartbeat) EventJson.fromJson(golden("agent-heartbeat.v1.json"));
        Epoch lab2 = new Epoch(2, "7441234567890123456");
        assertThat(h.routingOf("lab").orElseThrow().serves(lab2)).isTrue();
        assertThat(h.routingOf("lab").orElseThrow().serves(new Epoch(3, "7441234567890123456"))).isFalse();
        assertThat(h.routingOf("lab").orElseThrow().serves(new Epoch(1, "7000000000000000000"))).isFalse();
        assertThat(h.routingOf("billing").orElseThrow().serves(new Epoch(5, "7449999999999999999")))
                .as("fenced closed serves no promotion").isFalse();
    }

    @Test
    void typeNameIsExplicitNotAClassName() {
        assertThat(EventJson.toJson(promoted())).contains("\"type\":\"master-promoted\"")
                .doesNotContain("org.pgfence");
    }

    @Test
    void unknownFieldsAreIgnored() throws IOException {
        String json = golden("master-promoted.v1.json").replace("\"cluster\" : \"lab\",",
                "\"cluster\" : \"lab\", \"addedInV2\" : {\"x\": [1,2]},");
        MasterPromoted event = (MasterPromoted) EventJson.fromJson(json);
        assertThat(event).isEqualTo(promoted());
    }

    @Test
    void duplicateAnnouncementsOfOnePromotionShareTheirKey() {
        MasterPromoted a = promoted();
        MasterPromoted b = new MasterPromoted(1, UUID.randomUUID(), "lab", Instant.now(), "node2",
                Trigger.STANDBY_PROMOTE, "standby_promote", a.newPrimary(), null, a.epoch());
        assertThat(b.promotionKey()).isEqualTo(a.promotionKey());
        assertThat(b.eventId()).isNotEqualTo(a.eventId());
    }

    @Test
    void missingFieldIsNamed() throws IOException {
        String json = golden("master-promoted.v1.json").replace("\"cluster\" : \"lab\",", "");
        assertThatThrownBy(() -> EventJson.fromJson(json))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("cluster"))
                .hasMessageContaining("cluster").hasMessageContaining("required");
    }

    @Test
    void malformedNestedFieldIsNamed() throws IOException {
        String json = golden("master-promoted.v1.json").replace("\"port\" : 5432", "\"port\" : \"five\"");
        assertThatThrownBy(() -> EventJson.fromJson(json))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.field()).isEqualTo("newPrimary.port"));
    }

    @Test
    void outOfRangeValueIsNamed() throws IOException {
        String json = golden("master-promoted.v1.json").replace("\"timeline\" : 2", "\"timeline\" : 0");
        assertThatThrownBy(() -> EventJson.fromJson(json))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.field()).isEqualTo("epoch.timeline"));
    }

    @Test
    void unknownTriggerIsNamed() throws IOException {
        String json = golden("master-promoted.v1.json").replace("repmgrd-failover", "coup");
        assertThatThrownBy(() -> EventJson.fromJson(json))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("trigger"));
    }

    @Test
    void unknownTypeAndGarbageAreTypedErrors() {
        assertThatThrownBy(() -> EventJson.fromJson("{\"type\":\"coffee-brewed\",\"schemaVersion\":1}"))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("type"));
        assertThatThrownBy(() -> EventJson.fromJson("not json at all"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> EventJson.fromBytes(new byte[0]))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("empty");
    }

    @Test
    void ackListsAreImmutableAndGoodStatusesAreKnown() throws IOException {
        FencingAck ack = (FencingAck) EventJson.fromJson(golden("fencing-ack.v1.json"));
        assertThat(ack.targets()).hasSize(2);
        assertThatThrownBy(() -> ack.targets().add(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(List.of(AckStatus.values()).stream().filter(AckStatus::isGood))
                .containsExactly(AckStatus.APPLIED, AckStatus.UNCHANGED);
    }

    @Test
    void epochsCompareByTimelineWithinOneSystemOnly() {
        Epoch one = new Epoch(1, "42");
        Epoch two = new Epoch(2, "42");
        assertThat(two.isNewerThan(one)).isTrue();
        assertThat(one.isNewerThan(two)).isFalse();
        assertThat(one.isNewerThan(null)).isTrue();
        assertThat(two.timelineHex()).isEqualTo("00000002");
        assertThatThrownBy(() -> one.compareTo(new Epoch(1, "43"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEndedIntentIsTheSameIntentWhosePauseEndsNowOrJustAfterItOccurred() throws Exception {
        FencingStarted intent = (FencingStarted) EventJson.fromJson(golden("fencing-started.v1.json"));
        java.time.Instant later = intent.occurredAt().plusSeconds(3);
        FencingStarted ended = intent.endedAt(later);
        assertThat(ended.eventId()).isEqualTo(intent.eventId());
        assertThat(ended.pauseUntil()).isEqualTo(later).isBefore(intent.pauseUntil());
        assertThat(intent.endedAt(intent.occurredAt().minusSeconds(1)).pauseUntil())
                .as("a clock behind the sender's: still valid, just after it occurred")
                .isEqualTo(intent.occurredAt().plusMillis(1));
    }
}
