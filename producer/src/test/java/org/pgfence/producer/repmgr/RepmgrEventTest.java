package org.pgfence.producer.repmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.pgfence.events.Trigger;

class RepmgrEventTest {

    @Test
    void fractionalTimestampWithHourOffsetParses() {
        assertThat(RepmgrTimestamp.parseOrNull("2026-11-25 20:07:15.149773+00"))
                .isEqualTo(Instant.parse("2026-11-25T20:07:15.149773Z"));
    }

    @Test
    void wholeSecondTimestampWithHhmmOffsetParses() {
        assertThat(RepmgrTimestamp.parseOrNull("2026-11-25 20:07:13+0000"))
                .isEqualTo(Instant.parse("2026-11-25T20:07:13Z"));
    }

    @Test
    void nonUtcOffsetsAreApplied() {
        assertThat(RepmgrTimestamp.parseOrNull("2026-11-25 21:07:13+0100")).isEqualTo(Instant.parse("2026-11-25T20:07:13Z"));
        assertThat(RepmgrTimestamp.parseOrNull("2026-11-25 15:37:13.5-04:30")).isEqualTo(Instant.parse("2026-11-25T20:07:13.5Z"));
        assertThat(RepmgrTimestamp.parseOrNull("2026-11-25T20:07:13Z")).isEqualTo(Instant.parse("2026-11-25T20:07:13Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2026-11-25", "2026-11-25 20:07:13", "2026-13-25 20:07:13+00",
            "2026-11-25 20:07:13+0000 extra"})
    void garbageTimestampsDoNotParse(String text) {
        assertThat(RepmgrTimestamp.parseOrNull(text)).isNull();
    }

    @Test
    void failoverPromoteEventParsesEveryPlaceholder() {
        RepmgrEvent e = RepmgrEvent.parse("2", "repmgrd_failover_promote", "1", "2026-11-25 20:07:15.170000+00",
                "node \"node2\" (ID: 2) promoted to primary; old primary \"node1\" (ID: 1) marked as failed", "1");
        assertThat(e.nodeId()).hasValue(2);
        assertThat(e.formerPrimary()).hasValue(1);
        assertThat(e.successful()).isTrue();
        assertThat(e.timestamp()).contains(Instant.parse("2026-11-25T20:07:15.170Z"));
        assertThat(e.trigger()).contains(Trigger.REPMGRD_FAILOVER);
    }

    @Test
    void emptyPlaceholdersReadAsAbsent() {
        RepmgrEvent e = RepmgrEvent.parse("", "repmgrd_upstream_disconnect", "1", "", "", "");
        assertThat(e.nodeId()).isEqualTo(OptionalInt.empty());
        assertThat(e.formerPrimary()).isEqualTo(OptionalInt.empty());
        assertThat(e.timestamp()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"standby_promote,STANDBY_PROMOTE", "standby_switchover,SWITCHOVER",
            "repmgrd_failover_promote,REPMGRD_FAILOVER"})
    void theThreePromotionEventsAreAnnounced(String event, Trigger trigger) {
        assertThat(RepmgrEvent.parse("2", event, "1", null, null, null).trigger()).contains(trigger);
    }

    @ParameterizedTest
    @ValueSource(strings = {"standby_follow", "repmgrd_failover_follow", "repmgrd_upstream_disconnect",
            "standby_register", "node_rejoin", "repmgrd_local_reconnect", "cluster_created"})
    void otherEventsAreIgnored(String event) {
        assertThat(RepmgrEvent.parse("2", event, "1", null, null, null).trigger()).isEmpty();
    }

    @Test
    void failedPromotionsAreIgnored() {
        assertThat(RepmgrEvent.parse("2", "standby_promote", "0", null, null, null).trigger()).isEmpty();
    }

    @Test
    void unparseablePlaceholdersAreNamed() {
        assertThatThrownBy(() -> RepmgrEvent.parse("x", "standby_promote", "1", null, null, null))
                .isInstanceOf(PlaceholderException.class).hasMessageContaining("--node-id").hasMessageContaining("%n");
        assertThatThrownBy(() -> RepmgrEvent.parse("2", "standby_promote", "maybe", null, null, null))
                .hasMessageContaining("--success").hasMessageContaining("%s");
        assertThatThrownBy(() -> RepmgrEvent.parse("2", "standby_promote", "1", "noon", null, null))
                .hasMessageContaining("'noon'").hasMessageContaining("--timestamp").hasMessageContaining("%t");
        assertThatThrownBy(() -> RepmgrEvent.parse("2", "standby_promote", "1", null, null, "-1"))
                .hasMessageContaining("--primary").hasMessageContaining("%p");
        assertThatThrownBy(() -> RepmgrEvent.parse("2", "", "1", null, null, null)).hasMessageContaining("%e");
        assertThatThrownBy(() -> RepmgrEvent.parse("2", "rm -rf", "1", null, null, null)).hasMessageContaining("%e");
    }

    @ParameterizedTest
    @ValueSource(strings = {"standby_promote", "standby_switchover", "repmgrd_failover_promote", "repmgrd_reload",
        "standby_follow", "repmgrd_upstream_disconnect", "child_node_new_connect", "node_rejoin", "repmgrd_start"})
    void eventNotificationsListsExactlyTheEventsThatAnnounceAPromotion(String event) {
        boolean listed = java.util.Arrays.asList(RepmgrEvent.EVENT_NOTIFICATIONS.split(",")).contains(event);
        assertThat(RepmgrEvent.parse("2", event, "1", null, null, null).trigger().isPresent()).isEqualTo(listed);
    }
}
